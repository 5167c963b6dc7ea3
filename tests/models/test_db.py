"""The database layer under concurrency: write transactions queue instead of failing."""

import asyncio

import pytest
from sqlalchemy import text

from models.db import Database, open_database
from services.sql.uow import Transactions, UnitOfWork, current_sequence
from settings import Settings


async def test_sqlite_runs_in_wal_mode(db: Database, backend: str) -> None:
    if backend != "sqlite":
        return
    async with db.read() as session:
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await session.execute(text("PRAGMA busy_timeout"))).scalar_one() >= 5000


async def test_concurrent_read_then_write_transactions_all_commit_in_order(
    db: Database, settings: Settings, backend: str
) -> None:
    """50 transactions each read then write: none fails ("database is locked"), numbers are dense.

    SQLite takes the write lock at BEGIN, so each transaction's read is still true when it
    writes; PostgreSQL (read committed) may see others commit in between. Five engines stand
    for five processes: the in-process writer queue cannot be what makes this hold.
    """
    engines = [open_database(settings.database_url) for _ in range(5)]
    channel = "test:dense"

    async def work(uow: UnitOfWork) -> int:
        before = await current_sequence(uow.session, channel)
        await asyncio.sleep(0)  # let the others interleave between the read and the write
        after = await uow.emit(channel, {})
        assert after == before + 1 if backend == "sqlite" else after > before
        return after

    try:
        runs = [Transactions(e, settings).run(work) for e in engines for _ in range(10)]
        numbers = await asyncio.gather(*runs)
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(numbers) == list(range(1, 51))
    async with db.read() as session:
        assert await current_sequence(session, channel) == 50


async def test_a_failed_transaction_consumes_no_sequence_number(
    db: Database, settings: Settings
) -> None:
    tx = Transactions(db, settings)
    channel = "test:rollback"

    async def fails(uow: UnitOfWork) -> None:
        await uow.emit(channel, {})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await tx.run(fails)
    assert await tx.run(lambda uow: uow.emit(channel, {})) == 1
