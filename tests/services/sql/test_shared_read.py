"""A query's shared read session ends with the query, but not under a read still running: when
one field of a query fails, graphql-core lets its siblings finish in the background."""

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.sql.uow import Transactions


async def test_closing_waits_for_the_read_in_flight_and_later_reads_get_their_own(
    tx: Transactions,
) -> None:
    reading = asyncio.Event()
    release = asyncio.Event()

    async def slow(session: AsyncSession) -> int:
        reading.set()
        await release.wait()
        return int((await session.execute(text("SELECT 1"))).scalar_one())

    async def select_two(session: AsyncSession) -> int:
        return int((await session.execute(text("SELECT 2"))).scalar_one())

    async def query() -> "asyncio.Future[int]":
        async with tx.one_read_session():
            # A field's read, still running when the query's scope ends.
            background = asyncio.ensure_future(tx.read(slow))
            await reading.wait()
        return background

    ending = asyncio.ensure_future(query())
    await asyncio.sleep(0.05)
    assert not ending.done()  # the scope's end waits for the read in flight
    release.set()
    assert await (await ending) == 1
    # A read started after the query ended (another background field) reads on its own.
    assert await tx.read(select_two) == 2


async def test_a_read_late_after_the_query_ended_reads_with_a_session_of_its_own(
    tx: Transactions,
) -> None:
    shared = tx.shared_read()
    async with shared.lend() as session:
        assert int((await session.execute(text("SELECT 3"))).scalar_one()) == 3
    await shared.close()
    async with shared.lend() as late:
        assert late is not shared.session
        assert int((await late.execute(text("SELECT 4"))).scalar_one()) == 4
    assert shared.session is None
