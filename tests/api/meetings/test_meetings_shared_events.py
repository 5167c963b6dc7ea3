"""Watchers of one meeting with the same selection share one execution and one JSON per event."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql_runtime.live.transport import OperationSender
from schema.meetings import SlotEvent
from services.sql.uow import Transactions
from tests.api.live.push_helpers import watching
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.graphql import GraphQL
from tests.support.live import GraphQLSocket, live_server

# The engine's own fast paths: strawberry's stock path has none of them.
pytestmark = pytest.mark.fast_path

WATCH = """subscription($m: ID!) { meetingSlotsChanged(meetingId: $m) {
  snapshot sequence slots { id available startsAt teacher { id displayName } } } }"""
FLAGGED = """subscription($m: ID!, $t: Boolean!) { meetingSlotsChanged(meetingId: $m) {
  sequence slots { id teacher @include(if: $t) { displayName } } } }"""
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(document, variables) of every execution of a (non-snapshot) slot event, and
    ("built", "") for every per-event executor prepared for one."""
    seen: list[tuple[str, str]] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_operation
    building = StrawberryGraphQLCoreExecutionContext.build_per_event_executor

    def counting(self: StrawberryGraphQLCoreExecutionContext, serially: bool | None = None) -> Any:
        root = self.root_value
        if isinstance(root, SlotEvent) and not root.snapshot:
            assert self.operation.loc is not None
            seen.append((self.operation.loc.source.body, repr(self.variable_values.coerced)))
        return original(self, serially)

    def built(self: StrawberryGraphQLCoreExecutionContext, payload: Any) -> Any:
        if isinstance(payload, SlotEvent) and not payload.snapshot:
            seen.append(("built", ""))
        return building(self, payload)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counting)
    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "build_per_event_executor", built)
    return seen


async def test_one_execution_per_distinct_selection_and_variables(
    server: str, tx: Transactions, gql: GraphQL, executions: list[tuple[str, str]]
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = [await make_family(tx, school) for _ in range(4)]
    m = gid("Meeting", meeting.id)
    slot = gid("Slot", meeting.slot(0, 0).id)
    subscriptions: list[tuple[str, dict[str, Any]]] = [
        (WATCH, {"m": m}),
        (WATCH, {"m": m}),
        (FLAGGED, {"m": m, "t": True}),
        (FLAGGED, {"m": m, "t": False}),
    ]
    async with (
        GraphQLSocket.connect(server, families[0].parent.token) as a,
        GraphQLSocket.connect(server, families[1].parent.token) as b,
        GraphQLSocket.connect(server, families[2].parent.token) as c,
        GraphQLSocket.connect(server, families[3].parent.token) as d,
    ):
        sockets = [a, b, c, d]
        ops = [await s.subscribe(q, v) for s, (q, v) in zip(sockets, subscriptions, strict=True)]
        for socket, op in zip(sockets, ops, strict=True):
            await socket.next_data(op)  # the snapshot, each watcher its own
        booked = await gql.as_(families[0].parent.token).data(
            BOOK, {"c": gid("Child", families[0].child.id), "s": slot}
        )
        assert booked["bookAppointment"]["errors"] == []
        events = [
            (await s.next_data(op))["meetingSlotsChanged"]
            for s, op in zip(sockets, ops, strict=True)
        ]

    # Same selection, same variables: the same payload, executed once for both watchers.
    assert events[0] == events[1]
    assert [(s["id"], s["available"]) for s in events[0]["slots"]] == [(slot, False)]
    # Other variables change the result: executed apart, and each gets its own.
    assert events[2]["slots"][0]["teacher"]["displayName"] == meeting.teachers[0].display_name
    assert "teacher" not in events[3]["slots"][0]
    executed = [e for e in executions if e[0] != "built"]
    assert len(executed) == 3, executed
    assert len(set(executed)) == 3
    # The second watcher of the same selection was written the first one's frame: nothing
    # was even prepared for its execution.
    assert executions.count(("built", "")) == 3


@pytest.fixture
def written_from_fan_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operation ids written a frame straight from the fan-out (no task woken)."""
    written: list[str] = []
    original = OperationSender.send_now

    def counting(self: OperationSender, data: Any) -> bool:
        sent = original(self, data)
        if sent:
            written.append(self.operation.id)
        return sent

    monkeypatch.setattr(OperationSender, "send_now", counting)
    return written


async def test_many_idle_watchers_one_execution_per_event_every_frame_in_order(
    server: str,
    tx: Transactions,
    gql: GraphQL,
    executions: list[tuple[str, str]],
    written_from_fan_out: list[str],
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    families = [await make_family(tx, school) for _ in range(12)]
    m = gid("Meeting", meeting.id)
    slots = [gid("Slot", meeting.slot(0, i).id) for i in range(3)]
    async with contextlib.AsyncExitStack() as stack:
        tokens = [f.parent.token for f in families]
        sockets, ops, snapshots = await watching(stack, server, tokens, WATCH, {"m": m})
        positions = [snapshot["meetingSlotsChanged"]["sequence"] for snapshot in snapshots]
        assert len(set(positions)) == 1
        received: list[list[dict[str, Any]]] = [[] for _ in sockets]
        for family, slot in zip(families, slots, strict=False):
            booked = await gql.as_(family.parent.token).data(
                BOOK, {"c": gid("Child", family.child.id), "s": slot}
            )
            assert booked["bookAppointment"]["errors"] == []
            # Every watcher waits idle for the next one: each event is taken from the fan-out.
            for got, s, op in zip(received, sockets, ops, strict=True):
                got.append((await s.next_data(op))["meetingSlotsChanged"])

    first = received[0]
    assert [e["sequence"] for e in first] == [positions[0] + i for i in (1, 2, 3)]
    assert [[(s["id"], s["available"]) for s in e["slots"]] for e in first] == [
        [(slot, False)] for slot in slots
    ]
    assert all(got == first for got in received)
    # One execution per event for the twelve watchers; the eleven others were written its
    # frame from the fan-out, without their subscription's task running.
    assert len([e for e in executions if e[0] != "built"]) == 3
    assert len(written_from_fan_out) == 3 * 11
