"""Idle watchers of a meeting are parked: their operation's task ends after the snapshot, and
they still get every event in order, leave cleanly, and re-read a snapshot on a gap."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette

from graphql_runtime.live.transport import OperationSender, SharedFramesHandler
from models.family import School
from services.meetings.slots import slot_payload, slots_channel
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from tests.api.live.push_helpers import BOOK, WATCH, watching
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.graphql import GraphQL
from tests.support.live import GraphQLSocket, live_server

# The engine's own fast paths: strawberry's stock path has none of them.
pytestmark = pytest.mark.fast_path


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


def operation_tasks() -> int:
    """Websocket operations running a task in this process (the server runs in the test's loop)."""
    return sum(
        1
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "SharedFramesHandler._run"
    )


async def settled(expected: int) -> int:
    """The count of operation tasks once it reached `expected` (or after two seconds)."""
    for _ in range(100):
        if operation_tasks() == expected:
            break
        await asyncio.sleep(0.02)
    return operation_tasks()


async def test_idle_watchers_keep_no_task_and_get_every_event_in_order(
    server: str, tx: Transactions, gql: GraphQL
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = [await make_family(tx, school) for _ in range(5)]
    m = gid("Meeting", meeting.id)
    slots = [gid("Slot", meeting.slot(0, i).id) for i in range(3)]
    async with contextlib.AsyncExitStack() as stack:
        tokens = [f.parent.token for f in families]
        sockets, ops, snapshots = await watching(stack, server, tokens, WATCH, {"m": m})
        position = snapshots[0]["meetingSlotsChanged"]["sequence"]
        # Five live subscriptions, and not one task kept for them.
        assert await settled(0) == 0
        for family, slot in zip(families, slots, strict=False):
            booked = await gql.as_(family.parent.token).data(
                BOOK, {"c": gid("Child", family.child.id), "s": slot}
            )
            assert booked["bookAppointment"]["errors"] == []
        for socket, op in zip(sockets, ops, strict=True):
            events = [(await socket.next_data(op))["meetingSlotsChanged"] for _ in slots]
            assert [(e["snapshot"], e["sequence"]) for e in events] == [
                (False, position + 1),
                (False, position + 2),
                (False, position + 3),
            ]
            assert [[(s["id"], s["available"]) for s in e["slots"]] for e in events] == [
                [(slot, False)] for slot in slots
            ]
        # The ones woken to execute an event parked again.
        assert await settled(0) == 0


@pytest.fixture
def revivals(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operation ids run again after parking."""
    seen: list[str] = []
    original = SharedFramesHandler.revive

    def counting(self: SharedFramesHandler, sender: OperationSender) -> None:
        seen.append(sender.operation.id)
        original(self, sender)

    monkeypatch.setattr(SharedFramesHandler, "revive", counting)
    return seen


async def test_a_burst_of_events_runs_one_operation_per_event_not_one_per_watcher(
    server: str, tx: Transactions, runtime: Runtime, revivals: list[str]
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = [await make_family(tx, school) for _ in range(8)]
    views = [view for views in meeting.slots.values() for view in views]
    channel = slots_channel(meeting.id)
    async with contextlib.AsyncExitStack() as stack:
        tokens = [f.parent.token for f in families]
        m = gid("Meeting", meeting.id)
        sockets, ops, snapshots = await watching(stack, server, tokens, WATCH, {"m": m})
        position = snapshots[0]["meetingSlotsChanged"]["sequence"]
        assert await settled(0) == 0
        # Ten events back to back: each arrives while the previous one is still being made.
        for n in range(1, 11):
            event = {"slots": [slot_payload(views[n])], "sequence": position + n}
            await runtime.pubsub.publish(channel, event)
        for socket, op in zip(sockets, ops, strict=True):
            got = [(await socket.next_data(op))["meetingSlotsChanged"] for _ in range(10)]
            assert [e["sequence"] for e in got] == [position + n for n in range(1, 11)]
            assert [e["slots"][0]["id"] for e in got] == [
                gid("Slot", views[n].id) for n in range(1, 11)
            ]
        assert await settled(0) == 0
    print(f"\n10 events to 8 parked watchers: {len(revivals)} operation runs")
    # At most one watcher ran its operation per event; the seven others were written.
    assert 1 <= len(revivals) <= 10, revivals


async def test_complete_and_close_unsubscribe_a_parked_watcher(
    server: str, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    first, second = await make_family(tx, school), await make_family(tx, school)
    m = gid("Meeting", meeting.id)
    channel = slots_channel(meeting.id)
    async with GraphQLSocket.connect(server, first.parent.token) as a:
        async with GraphQLSocket.connect(server, second.parent.token) as b:
            op_a, op_b = await a.subscribe(WATCH, {"m": m}), await b.subscribe(WATCH, {"m": m})
            await a.next_data(op_a)
            await b.next_data(op_b)
            assert runtime.pubsub.local_subscribers(channel) == 2
            await settled(0)

            await a.send({"id": op_a, "type": "complete"})
            assert await _subscribers(runtime, channel, 1) == 1
            # The id is free again: subscribing with it starts with a fresh snapshot.
            await a.send(
                {
                    "id": op_a,
                    "type": "subscribe",
                    "payload": {"query": WATCH, "variables": {"m": m}},
                }
            )
            again = (await a.next_data(op_a))["meetingSlotsChanged"]
            assert again["snapshot"] is True and len(again["slots"]) == 12
            assert await _subscribers(runtime, channel, 2) == 2
        # b's socket closed while its watcher was parked.
        assert await _subscribers(runtime, channel, 1) == 1
    assert await _subscribers(runtime, channel, 0) == 0
    assert await settled(0) == 0


async def test_a_gap_seen_while_parked_gives_a_fresh_snapshot(
    server: str, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    channel = slots_channel(meeting.id)
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        op = await socket.subscribe(WATCH, {"m": gid("Meeting", meeting.id)})
        position = (await socket.next_data(op))["meetingSlotsChanged"]["sequence"]
        await settled(0)
        # An event already in the snapshot is dropped without a frame.
        await runtime.pubsub.publish(channel, _event(position))
        with pytest.raises(TimeoutError):
            await socket.next_data(op, timeout=0.3)
        # A later one with the one before it missing: the watcher waits for it, then re-reads.
        await runtime.pubsub.publish(channel, _event(position + 2))
        fresh = (await socket.next_data(op, timeout=5))["meetingSlotsChanged"]
        assert fresh["snapshot"] is True
        assert fresh["sequence"] == position
        assert len(fresh["slots"]) == 12
        assert await settled(0) == 0


async def test_a_watcher_that_lost_access_is_refused_when_its_operation_runs_again(
    server: str, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    first, second = await make_family(tx, school), await make_family(tx, school)
    m = gid("Meeting", meeting.id)
    views = [view for views in meeting.slots.values() for view in views]
    channel = slots_channel(meeting.id)
    async with (
        GraphQLSocket.connect(server, first.parent.token) as a,
        GraphQLSocket.connect(server, second.parent.token) as b,
    ):
        ops = [await a.subscribe(WATCH, {"m": m}), await b.subscribe(WATCH, {"m": m})]
        position = (await a.next_data(ops[0]))["meetingSlotsChanged"]["sequence"]
        await b.next_data(ops[1])
        assert await settled(0) == 0

        async def meetings_off(uow: UnitOfWork) -> None:
            row = await uow.session.get(School, school.id)
            assert row is not None
            row.feature_meetings = False
            uow.session.add(row)

        await tx.run(meetings_off)
        event = {"slots": [slot_payload(views[0])], "sequence": position + 1}
        await runtime.pubsub.publish(channel, event)
        # Neither parent is sent the event: each is told the meeting is gone, and unsubscribed.
        for socket, op in zip((a, b), ops, strict=True):
            message = await socket.receive()
            assert message["id"] == op
            assert message["type"] in ("error", "next"), message
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "NOT_FOUND", message
        assert await _subscribers(runtime, channel, 0) == 0
        assert await settled(0) == 0


def _event(sequence: int) -> dict[str, Any]:
    return {"sequence": sequence, "slots": []}


async def _subscribers(runtime: Runtime, channel: str, expected: int) -> int:
    for _ in range(100):
        if runtime.pubsub.local_subscribers(channel) == expected:
            break
        await asyncio.sleep(0.02)
    return runtime.pubsub.local_subscribers(channel)
