"""meetingSlotsChanged on a real uvicorn with real websocket clients."""

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette

from models.accounts import Role
from services.sql.uow import Transactions
from tests.factories import gid, make_family, make_meeting, make_school, make_user
from tests.support.graphql import GraphQL
from tests.support.live import GraphQLSocket, live_server

WATCH = """subscription($m: ID!) { meetingSlotsChanged(meetingId: $m) {
  snapshot sequence slots { id available startsAt endsAt teacher { id displayName subject } } } }"""
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""
MOVE = """mutation($a: ID!, $s: ID!) { moveAppointment(appointmentId: $a, slotId: $s) {
  appointment { id } errors { code } } }"""
CANCEL = """mutation($a: ID!) { cancelAppointment(appointmentId: $a) {
  appointment { id } errors { code } } }"""


@pytest.fixture(scope="module")
async def server(app: Starlette) -> AsyncIterator[str]:
    async with live_server(app) as url:
        yield url


def states(event: dict[str, Any]) -> list[tuple[str, bool]]:
    return [(slot["id"], slot["available"]) for slot in event["slots"]]


async def test_two_watchers_see_the_snapshot_then_every_change_in_order(
    server: str, tx: Transactions, gql: GraphQL
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF)
    parent = gql.as_(family.parent.token)
    first, second = gid("Slot", meeting.slot(0, 0).id), gid("Slot", meeting.slot(1, 4).id)
    teacher = meeting.teachers[0]

    async with (
        GraphQLSocket.connect(server, family.parent.token) as watcher,
        GraphQLSocket.connect(server, staff.token) as other_watcher,
    ):
        sockets = [watcher, other_watcher]
        ops = [await s.subscribe(WATCH, {"m": gid("Meeting", meeting.id)}) for s in sockets]
        snapshots = [
            (await s.next_data(op))["meetingSlotsChanged"]
            for s, op in zip(sockets, ops, strict=True)
        ]
        for snapshot in snapshots:
            assert snapshot["snapshot"] is True
            assert len(snapshot["slots"]) == 12 and all(a for _, a in states(snapshot))
            assert snapshot["slots"][0] == {
                "id": first,
                "available": True,
                "startsAt": meeting.slot(0, 0).starts_at.isoformat(),
                "endsAt": meeting.slot(0, 0).ends_at.isoformat(),
                "teacher": {
                    "id": gid("Teacher", teacher.id),
                    "displayName": teacher.display_name,
                    "subject": None,
                },
            }
        position = snapshots[0]["sequence"]
        assert snapshots[1]["sequence"] == position

        booked = await parent.data(BOOK, {"c": gid("Child", family.child.id), "s": first})
        appointment = booked["bookAppointment"]["appointment"]["id"]
        moved = await parent.data(MOVE, {"a": appointment, "s": second})
        assert moved["moveAppointment"]["errors"] == []
        cancelled = await parent.data(CANCEL, {"a": appointment})
        assert cancelled["cancelAppointment"]["errors"] == []

        for socket, op in zip(sockets, ops, strict=True):
            events = [(await socket.next_data(op))["meetingSlotsChanged"] for _ in range(3)]
            assert [e["snapshot"] for e in events] == [False, False, False]
            assert [e["sequence"] for e in events] == [position + 1, position + 2, position + 3]
            assert states(events[0]) == [(first, False)]
            # The move: both slots in one event.
            assert sorted(states(events[1])) == sorted([(first, True), (second, False)])
            assert states(events[2]) == [(second, True)]
            assert events[0]["slots"][0]["teacher"]["displayName"] == teacher.display_name

        # A change reaches every watcher within a second of being asked for.
        started = time.perf_counter()
        await parent.data(BOOK, {"c": gid("Child", family.child.id), "s": second})
        for socket, op in zip(sockets, ops, strict=True):
            event = (await socket.next_data(op, timeout=1.0))["meetingSlotsChanged"]
            assert states(event) == [(second, False)]
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0
        print(f"\nbooking to both watchers: {elapsed * 1000:.0f} ms")


async def test_another_schools_meeting_is_not_found_and_sends_nothing(
    server: str, tx: Transactions
) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    foreign = await make_meeting(tx, elsewhere)
    hidden = await make_meeting(tx, school, class_names=("6B",))
    family = await make_family(tx, school)
    async with GraphQLSocket.connect(server, family.parent.token) as socket:
        for meeting_id in (
            gid("Meeting", foreign.id),
            gid("Meeting", hidden.id),
            gid("Meeting", 10**9),
            "garbage",
        ):
            op = await socket.subscribe(WATCH, {"m": meeting_id})
            message = await socket.receive()
            assert message["id"] == op
            errors = (
                message["payload"]["errors"] if message["type"] == "next" else message["payload"]
            )
            assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]
            assert errors[0]["message"] == "Introuvable."
            assert (await socket.receive())["type"] == "complete"


async def test_a_leavers_appointment_is_freed_for_every_watcher(
    server: str, tx: Transactions, gql: GraphQL
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family, other = await make_family(tx, school), await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF)
    slot = gid("Slot", meeting.slot(0, 0).id)
    booked = await gql.as_(family.parent.token).data(
        BOOK, {"c": gid("Child", family.child.id), "s": slot}
    )
    assert booked["bookAppointment"]["errors"] == []
    async with GraphQLSocket.connect(server, other.parent.token) as watcher:
        op = await watcher.subscribe(WATCH, {"m": gid("Meeting", meeting.id)})
        snapshot = (await watcher.next_data(op))["meetingSlotsChanged"]
        assert (slot, False) in states(snapshot)
        marked = await gql.as_(staff.token).data(
            "mutation($c: ID!) { markLeaver(childId: $c) { errors { code } } }",
            {"c": gid("Child", family.child.id)},
        )
        assert marked["markLeaver"]["errors"] == []
        event = (await watcher.next_data(op, timeout=2.0))["meetingSlotsChanged"]
        assert states(event) == [(slot, True)]
    # Free for everyone: another family books it.
    taken = await gql.as_(other.parent.token).data(
        BOOK, {"c": gid("Child", other.child.id), "s": slot}
    )
    assert taken["bookAppointment"]["errors"] == []
