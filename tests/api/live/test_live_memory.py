"""A long-lived subscription's memory stays flat, however many events it has delivered."""

import gc
import sys
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from services.meetings.slots import slot_payload, slots_channel
from services.sql.runtime import Runtime
from tests.api.live.push_helpers import WATCH
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.live import GraphQLSocket, live_server

# The engine's own fast paths: strawberry's stock path has none of them.
pytestmark = pytest.mark.fast_path

WARM_UP = 300
EVENTS = 2_000
# Each event kept ~34 allocated blocks (~2 KB) alive while graphql-core's per-event executors
# shared their subscription's memos (graphql_runtime/execution/per_event.py): 68,000 over EVENTS. Flat measured
# about a hundred either way.
MOST_BLOCKS = 3_000


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


async def test_a_watchers_memory_does_not_grow_with_its_events(
    server: str, runtime: Runtime
) -> None:
    tx = runtime.transactions
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    views = [view for views in meeting.slots.values() for view in views]
    channel = slots_channel(meeting.id)
    async with GraphQLSocket.connect(server, family.parent.token) as watcher:
        op = await watcher.subscribe(WATCH, {"m": gid("Meeting", meeting.id)})
        position = (await watcher.next_data(op))["meetingSlotsChanged"]["sequence"]

        async def deliver(count: int) -> None:
            nonlocal position
            for _ in range(count):
                position += 1
                event = {"slots": [slot_payload(views[position % len(views)])]}
                await runtime.pubsub.publish(channel, {**event, "sequence": position})
                data = (await watcher.next_data(op))["meetingSlotsChanged"]
                assert data["sequence"] == position

        await deliver(WARM_UP)
        gc.collect()
        before = sys.getallocatedblocks()
        await deliver(EVENTS)
        gc.collect()
        grown = sys.getallocatedblocks() - before
    print(f"\n{EVENTS} events to one watcher: {grown} more allocated blocks")
    assert grown < MOST_BLOCKS
