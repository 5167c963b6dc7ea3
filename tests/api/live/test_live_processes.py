"""Two server processes on one PostgreSQL, sharing events through Redis or PostgreSQL NOTIFY
with nothing else configured than DATABASE_URL and BROADCAST_URL."""

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from models.meetings import Appointment
from services.meetings.slots import slots_channel
from services.sql.uow import Transactions, current_sequence
from tests.api.live.push_helpers import WATCH, availability, book, real_clock_transactions
from tests.factories import Family, gid, make_families, make_family, make_meeting, make_school
from tests.pubsub.helpers import PrivateRedis
from tests.support.backends import fresh_postgres_database, require_redis
from tests.support.live import GraphQLSocket
from tests.support.processes import ServerProcess, cartable_process, run_cli, server_env

pytestmark = pytest.mark.postgres

RACERS = 40
BROADCASTS = [
    pytest.param("redis", id="redis", marks=pytest.mark.redis),
    pytest.param("postgres", id="notify"),
]


@pytest.fixture(scope="module")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """One fresh PostgreSQL database, migrated as in a deployment."""
    async with fresh_postgres_database() as url:
        env = server_env(tmp_path_factory.mktemp("migrate"), DATABASE_URL=url)
        code, output = await run_cli(env, "migrate")
        assert code == 0, output
        yield url


@pytest.fixture(scope="module")
async def tx(database_url: str) -> AsyncIterator[Transactions]:
    async with real_clock_transactions(database_url) as transactions:
        yield transactions


@dataclass
class Processes:
    one: ServerProcess
    two: ServerProcess


@pytest.fixture(scope="module", params=BROADCASTS)
async def processes(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Processes]:
    async with AsyncExitStack() as stack:
        if request.param == "redis":
            require_redis()
            # A redis-server of this run's own: Redis channels are not scoped by database
            # number, and other runs on the shared server use the same channel names.
            redis = PrivateRedis()
            await redis.start()
            stack.push_async_callback(redis.kill)
            broadcast_url = redis.url
        else:
            broadcast_url = database_url.replace("postgresql+asyncpg://", "postgresql://")
        workdir: Path = tmp_path_factory.mktemp(f"processes-{request.param}")
        env = server_env(workdir, DATABASE_URL=database_url, BROADCAST_URL=broadcast_url)
        one, two = await asyncio.gather(
            stack.enter_async_context(cartable_process(env, workdir / "one.log")),
            stack.enter_async_context(cartable_process(env, workdir / "two.log")),
        )
        assert one.pid != two.pid
        yield Processes(one, two)


async def test_a_booking_through_one_process_reaches_watchers_on_both(
    processes: Processes, tx: Transactions
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    slot = meeting.slot(0, 0)
    async with (
        GraphQLSocket.connect(processes.two.url, family.parent.token) as elsewhere,
        GraphQLSocket.connect(processes.one.url, family.parent.token) as here,
        httpx.AsyncClient(base_url=processes.one.url) as http,
    ):
        watchers = [
            (s, await s.subscribe(WATCH, {"m": gid("Meeting", meeting.id)}))
            for s in (elsewhere, here)
        ]
        snapshots = [(await s.next_data(op))["meetingSlotsChanged"] for s, op in watchers]
        for snapshot in snapshots:
            assert snapshot["snapshot"] is True
            assert availability(snapshot)[gid("Slot", slot.id)] is True

        started = time.perf_counter()
        assert await book(http, family.parent.token, family.child.id, slot.id) == "ok"
        for socket, op in watchers:
            event = (await socket.next_data(op, timeout=1.0))["meetingSlotsChanged"]
            assert event == {
                "snapshot": False,
                "sequence": snapshots[0]["sequence"] + 1,
                "slots": [{"id": gid("Slot", slot.id), "available": False}],
            }
        elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"booking to both watchers took {elapsed:.2f}s"
    print(f"\nbooking on one process to watchers on both: {elapsed * 1000:.0f} ms")


async def test_a_race_split_across_both_processes_has_one_winner(
    processes: Processes, tx: Transactions
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = await make_families(tx, school, RACERS)
    slot = meeting.slot(0, 0)
    channel = slots_channel(meeting.id)
    before = await tx.read(lambda session: current_sequence(session, channel))
    limits = httpx.Limits(max_connections=RACERS)
    async with (
        GraphQLSocket.connect(processes.two.url, families[0].parent.token) as watcher,
        httpx.AsyncClient(base_url=processes.one.url, limits=limits, timeout=60) as one,
        httpx.AsyncClient(base_url=processes.two.url, limits=limits, timeout=60) as two,
    ):
        op = await watcher.subscribe(WATCH, {"m": gid("Meeting", meeting.id)})
        assert (await watcher.next_data(op))["meetingSlotsChanged"]["snapshot"] is True

        async def race(index: int, family: Family) -> str:
            http = one if index % 2 == 0 else two
            return await book(http, family.parent.token, family.child.id, slot.id)

        outcomes = await asyncio.gather(*(race(i, f) for i, f in enumerate(families)))
        assert Counter(outcomes) == {"ok": 1, "SLOT_TAKEN": RACERS - 1}

        # The winner's commit, and only it, was published and reached the other process.
        event = (await watcher.next_data(op, timeout=1.0))["meetingSlotsChanged"]
        assert event["sequence"] == before + 1
        assert availability(event) == {gid("Slot", slot.id): False}
    after = await tx.read(lambda session: current_sequence(session, channel))
    assert after == before + 1
    holders = await tx.read(
        lambda session: session.scalars(
            select(col(Appointment.child_id)).where(col(Appointment.slot_id) == slot.id)
        )
    )
    assert list(holders) == [families[outcomes.index("ok")].child.id]
