"""The broadcast goes down under a live subscription, through the real app: bookings still commit,
/readyz says the broadcast is down, and once it is back the watcher gets a fresh snapshot that
includes what was booked meanwhile (its push was lost)."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from models.db import Database
from server import create_app
from services.sql.uow import Transactions
from settings import Settings
from tests.api.live.push_helpers import WATCH, availability, book
from tests.factories import Family, MeetingSetup, gid, make_family, make_meeting, make_school
from tests.pubsub.helpers import PrivateRedis
from tests.support.backends import POSTGRES_ADMIN_DSN, fresh_postgres_database
from tests.support.live import GraphQLSocket, live_server

# The listener reconnects with back-off (up to 5 s between attempts by default).
BACK_WITHIN = 15.0


@dataclass
class Served:
    url: str
    http: httpx.AsyncClient
    tx: Transactions

    async def readiness(self) -> tuple[int, dict[str, Any]]:
        response = await self.http.get("/readyz")
        return response.status_code, response.json()


@asynccontextmanager
async def serve(settings: Settings, broadcast_url: str) -> AsyncIterator[Served]:
    app = create_app(settings.model_copy(update={"broadcast_url": broadcast_url}))
    async with (
        app.router.lifespan_context(app),
        live_server(app) as url,
        httpx.AsyncClient(base_url=url, timeout=30) as http,
    ):
        yield Served(url, http, app.state.runtime.transactions)


async def until_ready_is(served: Served, status: int) -> dict[str, Any]:
    """Polls /readyz until it answers `status`; returns that answer's body."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BACK_WITHIN
    while True:
        code, body = await served.readiness()
        if code == status:
            return body
        if loop.time() > deadline:
            raise TimeoutError(f"/readyz still answers {code} {body}")
        await asyncio.sleep(0.05)


async def survive_outage(
    served: Served,
    cut: Callable[[], Awaitable[None]],
    restore: Callable[[], Awaitable[None]],
) -> None:
    """The scenario, whatever the broadcast: watch, cut, book, check, restore, get a snapshot."""
    tx = served.tx
    school = await make_school(tx)
    meeting: MeetingSetup = await make_meeting(tx, school)
    family: Family = await make_family(tx, school)
    # Two teachers: a child sees each teacher once.
    during, after = meeting.slot(0, 0), meeting.slot(1, 1)
    async with GraphQLSocket.connect(served.url, family.parent.token) as watcher:
        op = await watcher.subscribe(WATCH, {"m": gid("Meeting", meeting.id)})
        snapshot = (await watcher.next_data(op))["meetingSlotsChanged"]
        assert snapshot["snapshot"] is True
        assert await served.readiness() == (
            200,
            {"status": "ready", "checks": {"database": True, "broadcast": True}},
        )

        await cut()
        down = await until_ready_is(served, 503)
        assert down == {"status": "unavailable", "checks": {"database": True, "broadcast": False}}
        # The booking commits: only its push is lost.
        assert await book(served.http, family.parent.token, family.child.id, during.id) == "ok"

        await restore()
        fresh = (await watcher.next_data(op, timeout=BACK_WITHIN))["meetingSlotsChanged"]
        assert fresh["snapshot"] is True
        assert fresh["sequence"] == snapshot["sequence"] + 1
        assert availability(fresh)[gid("Slot", during.id)] is False
        assert availability(fresh)[gid("Slot", after.id)] is True
        await until_ready_is(served, 200)

        # Live again: the next change arrives as an ordinary event.
        assert await book(served.http, family.parent.token, family.child.id, after.id) == "ok"
        event = (await watcher.next_data(op))["meetingSlotsChanged"]
        assert event["snapshot"] is False
        assert event["sequence"] == snapshot["sequence"] + 2
        assert availability(event) == {gid("Slot", after.id): False}


@pytest.mark.redis
async def test_redis_killed_and_restarted(settings: Settings, db: Database) -> None:
    """`db`: the module's database (SQLite or PostgreSQL), its tables created."""
    redis = PrivateRedis()
    await redis.start()
    try:
        async with serve(settings, redis.url) as served:
            await survive_outage(served, redis.kill, redis.start)
    finally:
        await redis.kill()


@pytest.mark.postgres
async def test_notify_listener_connection_terminated(settings: Settings, db: Database) -> None:
    """PostgreSQL NOTIFY on a database of its own: the listening backend is terminated and the
    database refuses connections until restored, so the listener stays down meanwhile."""
    async with fresh_postgres_database() as broadcast_url:
        name = broadcast_url.rsplit("/", 1)[1]
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)

        async def cut() -> None:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            listeners = await admin.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
                name,
                "cartable-pubsub-listen",
            )
            assert len(listeners) == 1
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", listeners[0]["pid"])

        async def restore() -> None:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        try:
            async with serve(settings, broadcast_url) as served:
                await survive_outage(served, cut, restore)
        finally:
            await restore()
            await admin.close()
