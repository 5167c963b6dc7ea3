"""follow(): snapshot first, then events in sequence order; stale ones dropped, gaps resnapshot."""

import asyncio
from typing import Any

from graphql_runtime.live import follow as follow_module
from graphql_runtime.live.follow import follow
from pubsub.hub import PubSub


class State:
    def __init__(self) -> None:
        self.position = 0
        self.snapshots = 0

    async def snapshot(self) -> tuple[int, list[str]]:
        self.snapshots += 1
        return self.position, [f"snapshot@{self.position}"]


def on_event(payload: dict[str, Any]) -> list[str]:
    return [f"event{payload['sequence']}"]


async def collect(stream: Any, count: int) -> list[str]:
    items = []
    async for item in stream:
        items.append(item)
        if len(items) == count:
            break
    return items


async def test_events_follow_the_snapshot_in_sequence_order() -> None:
    pubsub = PubSub("memory://")
    await pubsub.connect()
    state = State()
    state.position = 3
    stream = follow(pubsub, "c", state.snapshot, on_event)
    first = await anext(stream)
    assert first == "snapshot@3"
    # 2 and 3 are already in the snapshot; 5 overtook 4.
    for sequence in (2, 3, 5, 4, 6):
        await pubsub.publish("c", {"sequence": sequence})
    assert await collect(stream, 3) == ["event4", "event5", "event6"]
    await stream.aclose()


async def test_a_gap_that_does_not_fill_gives_a_fresh_snapshot(monkeypatch: Any) -> None:
    monkeypatch.setattr(follow_module, "GAP_TIMEOUT_SECONDS", 0.05)
    pubsub = PubSub("memory://")
    await pubsub.connect()
    state = State()
    stream = follow(pubsub, "c", state.snapshot, on_event)
    assert await anext(stream) == "snapshot@0"
    await pubsub.publish("c", {"sequence": 2})  # 1 was lost
    state.position = 2
    assert await asyncio.wait_for(anext(stream), 2) == "snapshot@2"
    await pubsub.publish("c", {"sequence": 3})
    assert await anext(stream) == "event3"
    assert state.snapshots == 2
    await stream.aclose()
