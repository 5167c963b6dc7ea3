"""A websocket that stops reading while 10,000 events flow on its channel, through a real server
process: its subscription is closed with a reason it can act on, the server's memory stays
flat, and another watcher of the same meeting keeps its latency."""

import asyncio
import dataclasses
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import websockets

from pubsub.hub import PubSub
from services.meetings.slots import slot_payload, slots_channel
from settings import Settings
from tests.api.live.push_helpers import WATCH, real_clock_transactions, sqlite_with_tables
from tests.factories import gid, make_family, make_meeting, make_school
from tests.pubsub.helpers import PrivateRedis
from tests.support.live import GraphQLSocket
from tests.support.processes import cartable_process, server_env

pytestmark = pytest.mark.redis

EVENTS = 10_000
QUEUE_SIZE = 256  # the server's SUBSCRIBER_QUEUE_SIZE (the default)
# The publisher keeps at most this many events ahead of the reading watcher: a steady flow at
# whatever rate this machine's server sustains, below the queue size of a subscriber.
WINDOW = 32
# Events of several slots (as when staff add a teacher), watched with every field a parent's
# screen shows: ~1.5 KB a message, so that the stalled socket's kernel buffers (a few MB on
# loopback) fill long before the flow ends and the server itself has to hold events back.
SLOTS_PER_EVENT = 6
FULL_WATCH = """subscription($m: ID!) { meetingSlotsChanged(meetingId: $m) {
  snapshot sequence slots { id available startsAt endsAt teacher { id displayName subject } } } }"""


@asynccontextmanager
async def stalled_socket(url: str, token: str) -> AsyncIterator[GraphQLSocket]:
    """A client that takes nothing off its connection once it stops asking: a tiny kernel
    receive buffer and a one-message client queue. (The server's kernel send buffer still takes
    a few MB before the server's own writes wait.)"""
    host, port = url.removeprefix("http://").split(":")
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (host, int(port)))
    async with websockets.connect(
        f"ws://{host}:{port}/graphql",
        sock=raw,
        max_queue=1,
        ping_interval=None,
        subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
    ) as connection:
        client = GraphQLSocket(connection)
        await client.send(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        )
        assert (await client.receive())["type"] == "connection_ack"
        yield client


async def drain(client: GraphQLSocket, op: str) -> tuple[list[int], dict[str, Any]]:
    """What the server had sent before giving up on this socket: the sequence numbers of the
    events, then the first message that is not an event."""
    sequences: list[int] = []
    while True:
        message = await client.receive(timeout=10)
        assert message.get("id") == op, message
        if message["type"] != "next" or "errors" in message["payload"]:
            return sequences, message
        sequences.append(message["payload"]["data"]["meetingSlotsChanged"]["sequence"])


async def test_a_socket_that_stops_reading_is_closed_and_the_others_keep_up(
    tmp_path: Path,
) -> None:
    # SQLite only: the database serves the snapshots, nothing here depends on which it is.
    database_url = await sqlite_with_tables(tmp_path / "cartable.db")
    redis = PrivateRedis()
    await redis.start()
    publisher = PubSub(redis.url)
    try:
        async with real_clock_transactions(database_url) as tx:
            school = await make_school(tx)
            meeting = await make_meeting(tx, school)
            family = await make_family(tx, school)
        env = server_env(tmp_path, DATABASE_URL=database_url, BROADCAST_URL=redis.url)
        async with cartable_process(env, tmp_path / "server.log") as server:
            await publisher.connect()
            watch = {"m": gid("Meeting", meeting.id)}
            async with (
                stalled_socket(server.url, family.parent.token) as stalled,
                GraphQLSocket.connect(server.url, family.parent.token) as reader,
            ):
                stalled_op = await stalled.subscribe(FULL_WATCH, watch)
                reader_op = await reader.subscribe(WATCH, watch)
                snapshot = (await stalled.next_data(stalled_op))["meetingSlotsChanged"]
                position = snapshot["sequence"]
                assert (await reader.next_data(reader_op))["meetingSlotsChanged"][
                    "sequence"
                ] == position
                rss_before = server.rss_bytes()

                views = [v for views in meeting.slots.values() for v in views]
                first = position + 1
                published: dict[int, float] = {}
                arrived: dict[int, float] = {}
                progress = asyncio.Condition()

                async def read() -> None:
                    while len(arrived) < EVENTS:
                        data = await reader.next_data(reader_op, timeout=10)
                        arrived[data["meetingSlotsChanged"]["sequence"]] = time.perf_counter()
                        async with progress:
                            progress.notify_all()

                async def flow() -> None:
                    channel = slots_channel(meeting.id)
                    for sequence in range(first, first + EVENTS):
                        async with progress:
                            await progress.wait_for(lambda: len(published) - len(arrived) < WINDOW)
                        slots = [
                            slot_payload(dataclasses.replace(view, available=sequence % 2 == 0))
                            for view in views[:SLOTS_PER_EVENT]
                        ]
                        published[sequence] = time.perf_counter()
                        await publisher.publish(channel, {"slots": slots, "sequence": sequence})

                started = time.perf_counter()
                await asyncio.wait_for(asyncio.gather(read(), flow()), 60)
                elapsed = time.perf_counter() - started
                rss_after = server.rss_bytes()

                latencies = sorted(arrived[s] - published[s] for s in published)
                p50 = latencies[len(latencies) // 2]
                p99 = latencies[int(len(latencies) * 0.99)]
                growth = rss_after - rss_before
                print(
                    f"\n{EVENTS} events in {elapsed:.2f}s; other watcher p50 {p50 * 1000:.0f} ms, "
                    f"p99 {p99 * 1000:.0f} ms; server RSS {rss_before / 2**20:.1f} MB -> "
                    f"{rss_after / 2**20:.1f} MB"
                )
                assert sorted(arrived) == list(range(first, first + EVENTS))
                assert p99 < 0.5, f"the other watcher's p99 was {p99 * 1000:.0f} ms"
                # Unbounded (SUBSCRIBER_QUEUE_SIZE=100000) it grew by ~40 MB here. On the stock
                # path graphql-core keeps ~2 KB per event of the reading watcher (STACK-NOTES).
                if Settings().graphql_executor == "fast":
                    assert growth < 16 * 2**20, f"server RSS grew by {growth / 2**20:.1f} MB"

                # The stalled socket now reads: what was already on its way, then the reason.
                received, closing = await drain(stalled, stalled_op)
                print(f"stalled socket: {len(received)} events, then {closing}")
                # In order and without a gap, then cut off long before the end of the flow.
                assert received == list(range(first, first + len(received)))
                assert len(received) < EVENTS - QUEUE_SIZE
                assert closing["type"] == "next"
                [error] = closing["payload"]["errors"]
                assert f"fell {QUEUE_SIZE} events behind" in error["message"]
                assert "subscribe again" in error["message"]
                assert (await stalled.receive())["type"] == "complete"
                # As told, it subscribes again: a fresh snapshot, on the same socket.
                again = await stalled.subscribe(WATCH, watch)
                fresh = (await stalled.next_data(again))["meetingSlotsChanged"]
                assert fresh["snapshot"] is True

    finally:
        await publisher.disconnect()
        await redis.kill()
