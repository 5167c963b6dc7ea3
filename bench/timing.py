"""Timing what a benchmark measures: a phase's wall time and, through `TimedTransactions`, the
longest write transaction within it (how long other SQLite writers wait behind it); and the
fresh, migrated database of each backend that the in-process benchmarks run against.

    async with timed_transactions(url, directory) as (tx, events):
        issued = await tx.measure(issue_invoices(tx, ...))   # .seconds .longest_write .result
    baseline = await timed(tx.run(work))                     # .seconds .result
"""

import os
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bench.databases import backend_database, cli, server_env
from mailer.outbox import Outbox
from models.db import open_database
from services.sql.audit import AuditContext
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings

T = TypeVar("T")
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Timed(Generic[T]):
    seconds: float
    result: T
    longest_write: float = 0.0  # only what `TimedTransactions.measure` ran


async def timed(work: Awaitable[T]) -> Timed[T]:
    """Await `work` (a coroutine not started yet) and how long it took."""
    started = time.perf_counter()
    result = await work
    return Timed(time.perf_counter() - started, result)


def timed_call(work: Callable[[], T]) -> Timed[T]:
    """`timed` for plain CPU work (parsing a file)."""
    started = time.perf_counter()
    result = work()
    return Timed(time.perf_counter() - started, result)


class Events:
    """Counts what would reach the broadcast: one walletChanged per credited wallet."""

    def __init__(self) -> None:
        self.wallet_events = 0

    async def publish(self, channel: str, payload: dict[str, Any]) -> None:
        if channel.startswith("wallets:child:"):
            self.wallet_events += 1


class TimedTransactions(Transactions):
    """Transactions that remember how long the longest one held the database for writing."""

    longest = 0.0

    async def _run(
        self, work: Callable[[UnitOfWork], Awaitable[T]], audit: AuditContext | None
    ) -> T:
        started = time.perf_counter()
        try:
            return await super()._run(work, audit)
        finally:
            self.longest = max(self.longest, time.perf_counter() - started)

    async def measure(self, work: Awaitable[T]) -> Timed[T]:
        """One phase: its wall time and the longest write transaction it ran."""
        self.longest = 0.0
        done = await timed(work)
        return Timed(done.seconds, done.result, self.longest)


@asynccontextmanager
async def timed_transactions(
    url: str, directory: str
) -> AsyncIterator[tuple[TimedTransactions, Events]]:
    """Timed transactions on `url`, mails and documents kept under `directory`."""
    settings = Settings(
        database_url=url,
        mail_outbox_dir=os.path.join(directory, "outbox"),
        documents_dir=os.path.join(directory, "documents"),
        demo=False,
        public_url="http://127.0.0.1:8000",
    )
    database = open_database(url)
    events = Events()
    try:
        yield TimedTransactions(database, settings, events, Outbox.from_settings(settings)), events
    finally:
        await database.dispose()


def migrated_backends() -> Iterator[tuple[str, str, str]]:
    """(backend, database URL, a temporary directory) for SQLite and, when reachable,
    PostgreSQL: each a fresh database migrated to the head, dropped after its turn."""
    for backend in BACKENDS:
        with backend_database(backend) as url:
            if url is None:
                continue
            with tempfile.TemporaryDirectory(prefix="cartable-bench-") as directory:
                cli("migrate", server_env(url, directory))
                yield backend, url, directory
