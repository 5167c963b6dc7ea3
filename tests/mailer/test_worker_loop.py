"""The background loop: wake() sends at once, failures never end it, stop() is clean."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from mailer.outbox import Outbox
from mailer.senders import FileOutboxSender
from mailer.worker import OutboxWorker
from models.db import Database, open_database
from settings import Settings
from tests.mailer.helpers import enqueue, outbox_rows, worker_for
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.clock import FakeClock


async def wait_until(condition: Callable[[], bool], within: float) -> float:
    """Seconds it took for condition() to hold; fails after `within` seconds."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not condition():
        assert loop.time() - started < within, "not within the time allowed"
        await asyncio.sleep(0.01)
    return loop.time() - started


@pytest.mark.usefixtures("empty_outbox")
async def test_wake_sends_at_once_and_stop_is_clean(
    db: Database, outbox: Outbox, clock: FakeClock, smtpd: Recorder, smtp_port: int
) -> None:
    worker = worker_for(db, clock, smtp_port, poll_seconds=60.0)
    worker.start()
    try:
        await asyncio.sleep(0.2)  # the first, empty pass is over: the loop sleeps for a minute
        await enqueue(db, outbox, clock, to="anne@example.org")
        worker.wake()
        await wait_until(lambda: len(smtpd.received) == 1, within=1.0)
    finally:
        loop = asyncio.get_running_loop()
        stopping = loop.time()
        await worker.stop()
        assert loop.time() - stopping < 1.0
    assert not worker.running
    assert not [task for task in asyncio.all_tasks() if task.get_name() == "mail-outbox-worker"]
    (row,) = await outbox_rows(db)
    assert row.sent_at is not None


async def test_the_loop_outlives_database_and_smtp_failures(
    tmp_path: Path,
    clock: FakeClock,
    smtp_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A database whose tables do not exist yet: every pass fails until they do.
    database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'late.db'}")
    worker = worker_for(database, clock, smtp_port, poll_seconds=0.1, retry_base_seconds=0.2)
    worker.start()
    try:
        await wait_until(lambda: "mail outbox pass failed" in caplog.text, within=2.0)
        await asyncio.sleep(0.3)  # a few more failed passes
        assert worker.running

        async with database.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        outbox = Outbox.from_settings(Settings(public_url="http://cartable.test"))
        await enqueue(database, outbox, clock, to="anne@example.org")
        worker.wake()
        # Nothing listens on the SMTP port yet: the attempt fails and is scheduled again.
        await wait_until_async(lambda: first_attempts(database), within=2.0)
        assert worker.running

        with smtp_server(smtp_port) as server:
            clock.advance(seconds=1)  # past the back-off
            worker.wake()
            await wait_until(lambda: len(server.received) == 1, within=2.0)
    finally:
        await worker.stop()
    (row,) = await outbox_rows(database)
    await database.dispose()
    assert row.attempts == 2
    assert row.sent_at is not None


async def first_attempts(database: Database) -> bool:
    rows = await outbox_rows(database)
    return bool(rows) and rows[0].attempts >= 1


async def wait_until_async(condition: Callable[[], Awaitable[bool]], within: float) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not await condition():
        assert loop.time() - started < within, "not within the time allowed"
        await asyncio.sleep(0.02)


def test_back_off_doubles_with_jitter_and_is_capped(db: Database, clock: FakeClock) -> None:
    worker = worker_for(db, clock, 1, retry_base_seconds=5.0, max_delay_seconds=3600.0)
    for attempts in range(1, 20):
        ceiling = min(3600.0, 5.0 * 2 ** (attempts - 1))
        delays = [worker.retry_delay(attempts) for _ in range(20)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1  # jittered: workers do not retry in step


def test_worker_from_settings(db: Database, settings: Settings, tmp_path: Path) -> None:
    sender = FileOutboxSender(tmp_path)
    worker = OutboxWorker.from_settings(db, sender, settings)
    assert worker.sender is sender
    assert worker.clock is settings.clock
    assert (worker.retry_base_seconds, worker.max_attempts, worker.poll_seconds) == (
        settings.mail_retry_base_seconds,
        settings.mail_max_attempts,
        settings.mail_poll_seconds,
    )
