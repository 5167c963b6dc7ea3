"""A large family's data export is built in the background and mailed (over real SMTP) as a
link: it downloads the JSON the direct route gives, once, only for the parent signed in, and
nothing once expired or after erasure."""

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from models.accounts import Role
from models.db import Database
from schema.ids import to_global_id
from server import create_app
from services.sql.runtime import Runtime
from settings import Settings
from tests.api.test_mail_delivery import wait_for
from tests.factories import Family, make_family, make_school, make_user
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.backends import free_port
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL
from web_access.cookies import SESSION_COOKIE

EXPORT = "mutation { requestDataExport { data url mailedWhenReady errors { code } } }"
LINK = re.compile(r"(http://cartable\.test/me/exports/\d+\?\S+)")
# Rows that change because of the export itself: its own row, and the mail announcing it.
ABOUT_THE_EXPORT = {"data_exports", "mail_outbox"}


@dataclass
class World:
    runtime: Runtime
    http: httpx.AsyncClient
    smtp: Recorder


@pytest.fixture
async def world(settings: Settings, db: Database) -> AsyncIterator[World]:
    port = free_port()
    large = settings.model_copy(
        update={"smtp_url": f"smtp://127.0.0.1:{port}", "data_export_inline_rows": 3}
    )
    app = create_app(large)
    with smtp_server(port) as recorder:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield World(app.state.runtime, http, recorder)


def exports_left(settings: Settings) -> list[Path]:
    return [p for p in Path(settings.exports_dir).rglob("*") if p.is_file()]


async def mailed_link(world: World, family: Family, count: int) -> str:
    await world.runtime.export_worker.run_once()  # or the background already did
    await wait_for(world.smtp, count, world.runtime.mail_worker)
    mail = world.smtp.received[count - 1]
    assert mail.rcpt_tos == [family.parent.user.email]
    body = mail.message().get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(str(body.get_content()))
    assert found, body.get_content()
    return found.group(1).replace("http://cartable.test", "")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def without(data: dict[str, Any], tables: set[str]) -> dict[str, Any]:
    return {**data, "tables": {k: v for k, v in data["tables"].items() if k not in tables}}


async def test_the_mailed_link_downloads_the_export_once_for_its_parent_only(
    world: World, clock: FakeClock
) -> None:
    tx = world.runtime.transactions
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    other = await make_family(tx, school)
    gql = GraphQL(world.http, family.parent.token)

    asked = (await gql.data(EXPORT))["requestDataExport"]
    assert asked == {"data": None, "url": None, "mailedWhenReady": True, "errors": []}
    assert (await gql.data(EXPORT))["requestDataExport"]["mailedWhenReady"]  # the same one
    link = await mailed_link(world, family, 1)
    assert len(world.smtp.received) == 1
    assert len(exports_left(world.runtime.settings)) == 1

    # The direct route answers 202 for such a family; with a higher threshold, the JSON.
    queued = await world.http.get("/me/export.json", headers=bearer(family.parent.token))
    assert queued.status_code == 202
    world.runtime.settings.data_export_inline_rows = 10_000
    direct = await world.http.get("/me/export.json", headers=bearer(family.parent.token))
    assert direct.status_code == 200
    world.runtime.settings.data_export_inline_rows = 3

    tampered = link.replace("sig=", "sig=x")
    assert (await world.http.get(tampered, headers=bearer(family.parent.token))).status_code == 403
    assert (await world.http.get(link)).status_code == 401
    assert (await world.http.get(link, headers=bearer(other.parent.token))).status_code == 404

    # The dashboard's session cookie is enough (the link opened from the mail in the browser).
    # Two clicks at once: one download, the other finds nothing.
    cookie = {"Cookie": f"{SESSION_COOKIE}={family.parent.token}"}
    answers = await asyncio.gather(*(world.http.get(link, headers=cookie) for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [200, 404]
    downloaded = next(a for a in answers if a.status_code == 200)
    assert downloaded.headers["content-disposition"].startswith("attachment")
    data = downloaded.json()
    assert without(data, ABOUT_THE_EXPORT) == without(direct.json(), ABOUT_THE_EXPORT)
    assert sorted(c["first_name"] for c in data["tables"]["children"]) == sorted(
        c.first_name for c in family.children
    )
    text = json.dumps(data, ensure_ascii=False)
    for foreign in (other.parent.user.username, other.parent.user.email, other.child.first_name):
        assert foreign not in text

    # Once: the second click finds nothing, and the file is gone.
    assert (await world.http.get(link, headers=cookie)).status_code == 404
    assert exports_left(world.runtime.settings) == []


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def test_a_browser_signed_out_is_sent_to_sign_in_and_back_to_the_link(
    world: World, clock: FakeClock
) -> None:
    tx = world.runtime.transactions
    school = await make_school(tx)
    family = await make_family(tx, school)
    gql = GraphQL(world.http, family.parent.token)
    assert (await gql.data(EXPORT))["requestDataExport"]["mailedWhenReady"]
    link = await mailed_link(world, family, 1)

    # Opened from the mail, signed out (or with a session that ended): the sign-in page,
    # which comes back to this very link.
    ended = {**BROWSER, "Cookie": f"{SESSION_COOKIE}=not-a-session"}
    for headers in (BROWSER, ended):
        answer = await world.http.get(link, headers=headers)
        assert answer.status_code == 303
        location = urlsplit(answer.headers["location"])
        assert (location.scheme, location.netloc, location.path) == ("", "", "/login")
        assert parse_qs(location.query) == {"next": [link]}
        assert answer.headers["cache-control"] == "no-store"
    # An API client still gets the 401; a forged link gets no sign-in detour.
    assert (await world.http.get(link)).status_code == 401
    forged = link.replace("sig=", "sig=x")
    assert (await world.http.get(forged, headers=BROWSER)).status_code == 403

    # Signed in (the cookie the sign-in page sets), the same link downloads the export.
    cookie = {**BROWSER, "Cookie": f"{SESSION_COOKIE}={family.parent.token}"}
    downloaded = await world.http.get(link, headers=cookie)
    assert downloaded.status_code == 200
    assert downloaded.json()["userId"] == family.parent.id
    assert exports_left(world.runtime.settings) == []


async def test_an_expired_link_and_an_erased_family_leave_nothing(
    world: World, clock: FakeClock
) -> None:
    tx = world.runtime.transactions
    school = await make_school(tx)
    family = await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF)
    gql = GraphQL(world.http, family.parent.token)

    assert (await gql.data(EXPORT))["requestDataExport"]["mailedWhenReady"]
    link = await mailed_link(world, family, 1)
    clock.advance(hours=world.runtime.settings.data_export_link_hours, seconds=1)
    await world.runtime.export_worker.run_once()
    assert exports_left(world.runtime.settings) == []
    assert (await world.http.get(link, headers=bearer(family.parent.token))).status_code == 403

    # A new one, not downloaded; erasing the family deletes its file too.
    assert (await gql.data(EXPORT))["requestDataExport"]["mailedWhenReady"]
    await mailed_link(world, family, 2)
    assert len(exports_left(world.runtime.settings)) == 1
    erase = """mutation($id: ID!) { eraseFamily(parentId: $id) { errors { code } } }"""
    erased = await GraphQL(world.http, staff.token).data(
        erase, {"id": to_global_id("User", family.parent.id)}
    )
    assert erased["eraseFamily"]["errors"] == []
    assert exports_left(world.runtime.settings) == []
