"""Shared by the live-push tests: the watch subscription, the booking mutation, and units of work
on the real clock for databases that server processes of their own also use."""

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from models.db import open_database
from services.sql.uow import Transactions
from settings import Settings
from tests.factories import gid
from tests.support.graphql import GraphQL
from tests.support.live import GraphQLSocket

WATCH = """subscription($m: ID!) { meetingSlotsChanged(meetingId: $m) {
  snapshot sequence slots { id available } } }"""
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""


async def watching(
    stack: AsyncExitStack, server: str, tokens: Sequence[str], query: str, variables: dict[str, Any]
) -> tuple[list[GraphQLSocket], list[str], list[dict[str, Any]]]:
    """One socket per token, each subscribed to `query`: the sockets, their operation ids and
    the first data each received (the snapshot); the sockets close with `stack`."""
    sockets = [
        await stack.enter_async_context(GraphQLSocket.connect(server, token)) for token in tokens
    ]
    ops = [await socket.subscribe(query, variables) for socket in sockets]
    firsts = [await socket.next_data(op) for socket, op in zip(sockets, ops, strict=True)]
    return sockets, ops, firsts


def availability(event: dict[str, Any]) -> dict[str, bool]:
    """Slot id -> available, as one meetingSlotsChanged event tells it."""
    return {slot["id"]: slot["available"] for slot in event["slots"]}


async def book(http: httpx.AsyncClient, token: str, child_id: int | None, slot_id: int) -> str:
    """Books through the API; "ok" or the first error code."""
    variables = {"c": gid("Child", child_id), "s": gid("Slot", slot_id)}
    payload = (await GraphQL(http, token).data(BOOK, variables))["bookAppointment"]
    if payload["errors"]:
        return str(payload["errors"][0]["code"])
    assert payload["appointment"]["id"]
    return "ok"


@asynccontextmanager
async def real_clock_transactions(database_url: str) -> AsyncIterator[Transactions]:
    """Units of work for the factories, on the clock the server processes read (the real one):
    their meetings are open for booking now. Publishes nothing (nobody listens yet)."""
    settings = Settings(
        database_url=database_url,
        broadcast_url="memory://",
        demo=False,
        argon2_time_cost=1,
        argon2_memory_kib=256,
        argon2_parallelism=1,
    )
    database = open_database(database_url)
    try:
        yield Transactions(database, settings)
    finally:
        await database.dispose()


async def sqlite_with_tables(path: Path) -> str:
    """A SQLite database file with every table; its URL."""
    url = f"sqlite+aiosqlite:///{path}"
    database = open_database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
    finally:
        await database.dispose()
    return url
