"""The session cookie on websockets, on a real uvicorn with a real websocket client: a page of
the app itself is signed in by it; another site's page is refused at the upgrade, or gets no
session from the cookie when ALLOWED_ORIGINS lets it connect."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import websockets
from starlette.applications import Starlette

from models.db import Database
from server import create_app
from services.sql.uow import Transactions
from settings import Settings
from tests.factories import gid, make_family, make_school
from tests.support.live import live_server
from web_access.cookies import SESSION_COOKIE

PROTOCOL = [websockets.Subprotocol("graphql-transport-ws")]
WALLETS = "subscription($c: ID!) { walletChanged(childId: $c) { balance { cents } } }"


@pytest.fixture(scope="module")
async def served(settings: Settings, db: Database) -> AsyncIterator[tuple[str, Transactions]]:
    portal = settings.model_copy(update={"allowed_origins": ["https://portal.example"]})
    app: Starlette = create_app(portal)
    async with app.router.lifespan_context(app), live_server(app) as url:
        yield url, app.state.runtime.transactions


def connect(url: str, token: str, origin: str | None) -> Any:
    headers = {"Cookie": f"{SESSION_COOKIE}={token}"}
    if origin:
        headers["Origin"] = origin
    return websockets.connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=PROTOCOL,
        additional_headers=headers,
    )


async def test_the_apps_own_page_is_signed_in_by_the_cookie(
    served: tuple[str, Transactions],
) -> None:
    url, tx = served
    family = await make_family(tx, await make_school(tx))
    async with connect(url, family.parent.token, origin=url) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        subscribe = {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": WALLETS, "variables": {"c": gid("Child", family.child.id)}},
        }
        await socket.send(json.dumps(subscribe))
        first = json.loads(await socket.recv())
        assert first["type"] == "next"
        assert first["payload"]["data"]["walletChanged"]["balance"]["cents"] == 0


async def test_another_sites_page_is_refused_at_the_upgrade(
    served: tuple[str, Transactions],
) -> None:
    url, tx = served
    family = await make_family(tx, await make_school(tx))
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with connect(url, family.parent.token, origin="https://evil.example"):
            pass
    assert refused.value.response.status_code == 403


@pytest.mark.parametrize(
    "origin", ["https://portal.example", None], ids=["allowed-site", "no-origin"]
)
async def test_the_cookie_signs_in_no_other_page(
    served: tuple[str, Transactions], origin: str | None
) -> None:
    url, tx = served
    family = await make_family(tx, await make_school(tx))
    async with connect(url, family.parent.token, origin=origin) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    # The same socket with the bearer in connection_init is let in (API clients, other sites).
    async with connect(url, "ignored", origin=origin) as socket:
        payload = {"authorization": f"Bearer {family.parent.token}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
