"""What the live benchmarks share: a database of their own with one school, one meeting and
many parents with open sessions, and the environment Cartable is served with."""

import asyncio
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import databases
from bench.databases import backend_database, cli, postgres_reachable
from bench.seeding import meeting_slots, school_with_parents
from schema.ids import to_global_id
from server import create_app
from settings import Settings

# Slots of the watched meeting (its snapshot and events list them all).
MEETING_SLOTS = 12
# Sockets each parent holds: below WS_MAX_SOCKETS_PER_USER (20) in every process.
SOCKETS_PER_PARENT = 5

WATCH = """subscription($m: ID!) { meetingSlotsChanged(meetingId: $m) {
  snapshot sequence slots { id available startsAt endsAt teacher { id displayName subject } } } }"""
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""


@dataclass(frozen=True)
class School:
    database_url: str
    meeting: str  # global ID
    tokens: list[str]  # one per parent
    bookings: list[tuple[str, str, str]]  # (token, child, slot): one free booking per run

    def booking(self, run: int) -> tuple[str, str, str]:
        return self.bookings[run % len(self.bookings)]

    def socket_tokens(self, sockets: int) -> list[str]:
        """A token per socket, at most SOCKETS_PER_PARENT sockets per parent."""
        return [self.tokens[i % len(self.tokens)] for i in range(sockets)]


def parents_for(sockets: int) -> int:
    return max(1, -(-sockets // SOCKETS_PER_PARENT))


def server_env(database_url: str, port: int, broadcast_url: str = "memory://") -> dict[str, str]:
    """bench.databases.server_env for a live server on `port` (files in one temporary
    directory shared by the run's servers)."""
    directory = str(Path(tempfile.gettempdir()) / "cartable-bench-live")
    return {
        **databases.server_env(database_url, directory),
        "BROADCAST_URL": broadcast_url,
        "PORT": str(port),
        "DEMO": "0",
        "PAYMENT_PROVIDER": "none",
    }


@contextmanager
def bench_database() -> Iterator[str]:
    """A fresh PostgreSQL database (SQLite when PostgreSQL is unreachable), migrated; dropped
    afterwards. Yields its SQLAlchemy URL."""
    backend = "postgres" if postgres_reachable() else "sqlite"
    with backend_database(backend) as url:
        assert url is not None
        cli("migrate", {"DATABASE_URL": url})
        yield url


def seed(database_url: str, parents: int) -> School:
    """One school, one meeting open for booking, `parents` one-child families with sessions
    (opened directly: no password hashing per parent)."""
    return asyncio.run(_seed(database_url, parents))


async def _seed(database_url: str, parents: int) -> School:
    settings = Settings(database_url=database_url, demo=False, payment_provider="none")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        tx = app.state.runtime.transactions
        bench = await school_with_parents(tx, parents)
        meeting_id, slot_ids = await meeting_slots(tx, bench, MEETING_SLOTS)
    bookings: list[tuple[str, str, str]] = [
        (parent.token, to_global_id("Child", parent.child_id), to_global_id("Slot", slot_id))
        for parent, slot_id in zip(bench.parents, slot_ids, strict=False)
    ]
    return School(
        database_url=database_url,
        meeting=str(to_global_id("Meeting", meeting_id)),
        tokens=[parent.token for parent in bench.parents],
        bookings=bookings,
    )
