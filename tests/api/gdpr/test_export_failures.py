"""A large export that cannot be built (here: its storage cannot be written) is tried again,
later each time, DATA_EXPORT_MAX_ATTEMPTS times in all; then it is given up and the parent is
told by mail (real SMTP) to ask again or contact the school. A builder that keeps dying ends the
same way. The builder looks for work at its own interval, DATA_EXPORT_POLL_SECONDS."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from models.db import Database
from models.gdpr import DataExport, ExportStatus
from server import create_app
from services.gdpr import deferred
from services.sql.runtime import Runtime
from settings import Settings
from storage.local import LocalStorage
from storage.protocol import DocumentStorage
from tests.api.gdpr.test_deferred_export import EXPORT, LINK, exports_left
from tests.api.test_mail_delivery import wait_for
from tests.factories import Family, make_family, make_school
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.backends import free_port
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

DELAYS = [60, 120, 240, 480]  # seconds before tries 2..5 (DATA_EXPORT_RETRY_SECONDS doubling)
GIVEN_UP = "Vos données Cartable n'ont pas pu être préparées"


@dataclass
class World:
    runtime: Runtime
    http: httpx.AsyncClient
    smtp: Recorder
    storage: DocumentStorage  # the real exports' storage
    broken: DocumentStorage  # one that cannot be written (its root is a file)


async def start(settings: Settings, tmp_path: Path) -> AsyncIterator[World]:
    port = free_port()
    app = create_app(
        settings.model_copy(
            update={"smtp_url": f"smtp://127.0.0.1:{port}", "data_export_inline_rows": 3}
        )
    )
    not_a_directory = tmp_path / "full-disk"
    not_a_directory.write_text("")
    with smtp_server(port) as recorder:
        async with app.router.lifespan_context(app):
            runtime = app.state.runtime
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield World(
                    runtime,
                    http,
                    recorder,
                    runtime.export_worker.storage,
                    LocalStorage(not_a_directory),
                )


@pytest.fixture
async def world(settings: Settings, db: Database, tmp_path: Path) -> AsyncIterator[World]:
    """The builder runs only when the test says so (run_once)."""
    async for world in start(settings, tmp_path):
        await world.runtime.export_worker.stop()
        yield world


async def export_of(world: World, family: Family) -> DataExport:
    rows = await world.runtime.transactions.read(
        lambda s: s.scalars(
            select(DataExport)
            .where(col(DataExport.user_id) == family.parent.id)
            .order_by(col(DataExport.id).desc())
        )
    )
    return rows.all()[0]


async def ask(world: World, family: Family) -> None:
    asked = await GraphQL(world.http, family.parent.token).data(EXPORT)
    assert asked["requestDataExport"]["mailedWhenReady"] is True


def text_of(world: World, index: int) -> str:
    body = world.smtp.received[index].message().get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


async def test_a_build_that_keeps_failing_is_given_up_and_the_parent_told(
    world: World, clock: FakeClock
) -> None:
    tx = world.runtime.transactions
    family = await make_family(tx, await make_school(tx))
    worker = world.runtime.export_worker
    worker.storage = world.broken
    files = exports_left(world.runtime.settings)  # other tests' exports, not downloaded
    await ask(world, family)

    for attempt in range(1, 6):
        await worker.run_once()
        row = await export_of(world, family)
        assert row.attempts == attempt
        if attempt == 5:
            break
        assert row.status == ExportStatus.PENDING
        # Not before its time: one second early, nothing is tried.
        clock.advance(seconds=DELAYS[attempt - 1] - 1)
        await worker.run_once()
        assert (await export_of(world, family)).attempts == attempt
        clock.advance(seconds=1)

    assert row.status == ExportStatus.FAILED
    await wait_for(world.smtp, 1, world.runtime.mail_worker)
    mail = world.smtp.received[0]
    assert mail.rcpt_tos == [family.parent.user.email]
    assert mail.message()["Subject"] == GIVEN_UP
    text = text_of(world, 0)
    assert "Malgré plusieurs essais" in text and "contactez l'école" in text
    assert LINK.search(text) is None

    # Given up for good: no more tries, no more mails, nothing stored.
    clock.advance(hours=6)
    await worker.run_once()
    assert (await export_of(world, family)).attempts == 5
    await asyncio.sleep(0.2)
    assert len(world.smtp.received) == 1
    assert exports_left(world.runtime.settings) == files

    # Asking again starts afresh; built this time, its link is mailed.
    worker.storage = world.storage
    await ask(world, family)
    again = await export_of(world, family)
    assert again.id != row.id and again.status == ExportStatus.PENDING
    assert await worker.run_once() == 1
    await wait_for(world.smtp, 2, world.runtime.mail_worker)
    assert LINK.search(text_of(world, 1))


async def test_a_build_that_fails_then_works_mails_only_the_link(
    world: World, clock: FakeClock
) -> None:
    tx = world.runtime.transactions
    family = await make_family(tx, await make_school(tx))
    worker = world.runtime.export_worker
    worker.storage = world.broken
    await ask(world, family)
    await worker.run_once()
    clock.advance(seconds=DELAYS[0])
    await worker.run_once()
    assert (await export_of(world, family)).attempts == 2

    worker.storage = world.storage
    clock.advance(seconds=DELAYS[1])
    assert await worker.run_once() == 1
    row = await export_of(world, family)
    assert (row.status, row.attempts) == (ExportStatus.READY, 3)
    await wait_for(world.smtp, 1, world.runtime.mail_worker)
    assert LINK.search(text_of(world, 0))
    await asyncio.sleep(0.2)
    assert len(world.smtp.received) == 1


async def test_a_builder_that_keeps_dying_counts_as_failed_builds(
    world: World, clock: FakeClock
) -> None:
    tx = world.runtime.transactions
    family = await make_family(tx, await make_school(tx))
    files = exports_left(world.runtime.settings)  # other tests' exports, not downloaded
    await ask(world, family)
    # Five builders claim it in turn and die (nothing recorded after the claim).
    for attempt in range(1, 6):
        claim = await tx.run(deferred._claim_next)
        assert claim is not None and claim.attempt == attempt
        clock.advance(deferred.CLAIM_TIMEOUT + timedelta(seconds=1))

    # The next round gives up rather than trying a sixth time, storage working or not.
    assert await world.runtime.export_worker.run_once() == 0
    row = await export_of(world, family)
    assert (row.status, row.attempts) == (ExportStatus.FAILED, 5)
    await wait_for(world.smtp, 1, world.runtime.mail_worker)
    assert world.smtp.received[0].message()["Subject"] == GIVEN_UP
    assert exports_left(world.runtime.settings) == files


@pytest.fixture
async def polling(settings: Settings, db: Database, tmp_path: Path) -> AsyncIterator[World]:
    """The builder in the background, looking for work every 0.1 s (payments' reconciler, on
    RECONCILE_POLL_SECONDS, only every hour)."""
    quick = settings.model_copy(
        update={"data_export_poll_seconds": 0.1, "reconcile_poll_seconds": 3600.0}
    )
    async for world in start(quick, tmp_path):
        yield world


async def test_the_builder_retries_at_its_own_poll_interval(
    polling: World, clock: FakeClock
) -> None:
    world = polling
    tx = world.runtime.transactions
    family = await make_family(tx, await make_school(tx))
    world.runtime.export_worker.storage = world.broken
    await ask(world, family)
    for _ in range(100):  # the first build, woken by the request, fails
        row = await export_of(world, family)
        if (row.status, row.attempts) == (ExportStatus.PENDING, 1):
            break
        await asyncio.sleep(0.05)
    assert (row.status, row.attempts) == (ExportStatus.PENDING, 1)

    # Fixed, and its retry time come: nobody wakes the builder, its own polling finds it.
    world.runtime.export_worker.storage = world.storage
    clock.advance(seconds=DELAYS[0])
    await wait_for(world.smtp, 1, world.runtime.mail_worker)
    assert LINK.search(text_of(world, 0))
    assert (await export_of(world, family)).attempts == 2
