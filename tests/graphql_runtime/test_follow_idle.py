"""Shared subscriptions idle when an event arrives: one subscriber executes it, the others are
written its frame from the fan-out, in order, or re-read a snapshot when no frame was made."""

import asyncio
import contextvars
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

from graphql import ExecutionResult

from graphql_runtime.live.follow import follow
from graphql_runtime.live.parking import SENDER
from graphql_runtime.live.shared_events import SharedData, claims, shared_results
from graphql_runtime.live.transport import OperationSender
from pubsub.hub import PubSub

KEY = ("subscription { x }", None, "{}")


class Item:
    def __init__(self, label: str) -> None:
        self.label = label


class Sender(OperationSender):
    """The transport's sender with the socket left out: records the frames written, and how."""

    def __init__(self, socket_full: bool = False) -> None:
        operation: Any = SimpleNamespace(completed=False, id="1")
        super().__init__(operation)
        self.key = KEY
        self.socket_full = socket_full
        self.written: list[tuple[str, int]] = []
        self.waited = asyncio.Event()  # set once a frame was written in the task's own turn

    async def send_data(self, data: SharedData) -> None:
        self.written.append(("in its turn", data["n"]))
        self.waited.set()

    def send_now(self, data: SharedData) -> bool:
        if self.socket_full:
            return False
        self.written.append(("from the fan-out", data["n"]))
        return True


class Watcher:
    def __init__(self, pubsub: PubSub, sender: Sender) -> None:
        self.pubsub = pubsub
        self.sender = sender
        self.snapshots = 0
        context = contextvars.copy_context()
        context.run(SENDER.set, sender)
        self.stream: AsyncGenerator[Item, None] = follow(
            pubsub, "meeting", self._snapshot, _on_event, shared_as="test"
        )
        self.context = context
        self.reading: asyncio.Task[Item] | None = None

    async def _snapshot(self) -> tuple[int, list[Item]]:
        self.snapshots += 1
        return 0, [Item("snapshot")]

    def next(self) -> "asyncio.Task[Item]":
        self.reading = asyncio.create_task(_anext(self.stream), context=self.context)
        return self.reading

    async def stop(self) -> None:
        if self.reading is not None and not self.reading.done():
            self.reading.cancel()
            await asyncio.wait([self.reading])
        await self.stream.aclose()


async def _anext(stream: AsyncGenerator[Item, None]) -> Item:
    return await anext(stream)


def _on_event(payload: dict[str, Any]) -> list[Item]:
    return [Item(f"event{payload['sequence']}")]


def execute(item: Item, n: int) -> SharedData:
    """What strawberry and the transport do for the subscriber woken to execute an event:
    the result kept for the others, its JSON made, the waiting subscribers settled."""
    data = SharedData({"n": n}, (claims(item) or {}).get(KEY))
    data.json()
    results = shared_results(item)
    assert results is not None
    results[KEY] = ExecutionResult(data, None)
    if data.claim is not None:
        data.claim.settle(data)
    return data


@asynccontextmanager
async def watchers(*senders: Sender) -> AsyncIterator[list[Watcher]]:
    pubsub = PubSub("memory://")
    await pubsub.connect()
    started = [Watcher(pubsub, s) for s in senders]
    try:
        for watcher in started:
            assert (await watcher.next()).label == "snapshot"
        yield started
    finally:
        for watcher in started:
            await watcher.stop()
        await pubsub.disconnect()


async def woken_by(
    started: list[Watcher], tasks: list["asyncio.Task[Item]"], sequence: int
) -> tuple[Watcher, Item]:
    """Publish while every watcher waits (`tasks`: one pending read per watcher): exactly one
    is woken, with the event to execute; its task is replaced by a new pending read."""
    await asyncio.sleep(0.01)
    await started[0].pubsub.publish("meeting", {"sequence": sequence})
    await asyncio.wait(tasks, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.sleep(0.02)  # time for any other (wrongly) woken watcher to show
    done = [i for i, t in enumerate(tasks) if t.done()]
    assert len(done) == 1, "one watcher executes the event"
    index = done[0]
    item = tasks[index].result()
    tasks[index] = started[index].next()
    return started[index], item


async def test_one_watcher_executes_the_others_are_written_from_the_fan_out() -> None:
    async with watchers(Sender(), Sender(), Sender()) as started:
        tasks = [w.next() for w in started]
        for sequence in (1, 2, 3):
            owner, item = await woken_by(started, tasks, sequence)
            assert item.label == f"event{sequence}"
            execute(item, sequence)
            for watcher in started:
                if watcher is not owner:
                    assert watcher.sender.written[-1] == ("from the fan-out", sequence)
        # Each event written once to each watcher but its executor, in order.
        assert sum(len(w.sender.written) for w in started) == 3 * 2
        for watcher in started:
            sequences = [n for _, n in watcher.sender.written]
            assert sequences == sorted(set(sequences))


async def test_a_full_socket_is_written_in_its_own_turn_before_the_next_event() -> None:
    async with watchers(Sender(), Sender(socket_full=True)) as started:
        tasks = [w.next() for w in started]
        owner, item = await woken_by(started, tasks, 1)
        if owner.sender.socket_full:  # the slow one must be the waiter here
            owner.sender.socket_full = False
            for watcher in started:
                if watcher is not owner:
                    watcher.sender.socket_full = True
        slow = next(w for w in started if w is not owner)
        execute(item, 1)
        await asyncio.wait_for(slow.sender.waited.wait(), 5)
        # Its task woke to write the frame, waiting; it yielded nothing to execute.
        assert slow.sender.written == [("in its turn", 1)]
        assert not any(t.done() for t in tasks)
        slow.sender.socket_full = False
        owner, item = await woken_by(started, tasks, 2)
        execute(item, 2)
        assert [n for _, n in slow.sender.written] == [1, 2]


async def test_when_no_frame_is_made_the_waiting_watchers_re_read_a_snapshot() -> None:
    async with watchers(Sender(), Sender()) as started:
        tasks = [w.next() for w in started]
        owner, _ = await woken_by(started, tasks, 1)
        waiter = next(w for w in started if w is not owner)
        await owner.stop()
        resent = await asyncio.wait_for(tasks[started.index(waiter)], 2)
        assert resent.label == "snapshot"
        assert waiter.snapshots == 2
        assert waiter.sender.written == []
