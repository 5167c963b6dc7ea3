"""Booking rules, straight through the services: window, overlaps, one teacher, access."""

from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from models.accounts import Role
from models.meetings import Appointment, AppointmentStatus
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.meetings import booking, setup
from services.sql.uow import Transactions
from tests.factories import (
    MeetingSetup,
    actor_for,
    make_child,
    make_family,
    make_meeting,
    make_school,
    make_user,
)


async def outcome(work: Awaitable[Any]) -> str:
    try:
        await work
    except DomainError as error:
        return error.code.value
    return "ok"


def staff_of(meeting: MeetingSetup) -> Actor:
    return Actor(user_id=0, school_id=meeting.meeting.school_id, role=Role.STAFF, locale="fr")


async def active_on(tx: Transactions, slot_id: int) -> int:
    query = select(func.count()).where(
        col(Appointment.slot_id) == slot_id, col(Appointment.status) == AppointmentStatus.ACTIVE
    )
    async with tx.database.read() as session:
        return int(await session.scalar(query) or 0)


async def test_a_booked_slot_is_taken_for_everyone_else(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    first, second = await make_family(tx, school), await make_family(tx, school)
    slot = meeting.slot(0, 0)
    mine, theirs = first.child.id or 0, second.child.id or 0
    view = await tx.run(lambda u: booking.book(u, actor_for(first.parent), mine, slot.id))
    assert (view.slot.id, view.slot.available, view.status) == (slot.id, False, "ACTIVE")
    assert (view.starts_at, view.ends_at) == (slot.starts_at, slot.ends_at)
    late = actor_for(second.parent)
    assert await outcome(tx.run(lambda u: booking.book(u, late, theirs, slot.id))) == "SLOT_TAKEN"
    assert await active_on(tx, slot.id) == 1


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "expected"),
    [
        (timedelta(0), timedelta(days=1), "ok"),  # opens exactly now
        (timedelta(minutes=1), timedelta(days=1), "BOOKING_CLOSED"),  # not open yet
        (timedelta(hours=-2), timedelta(0), "BOOKING_CLOSED"),  # closes exactly now
    ],
)
async def test_bookings_only_inside_the_window(
    tx: Transactions, opens_in: timedelta, closes_in: timedelta, expected: str
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school, opens_in=opens_in, closes_in=closes_in)
    family = await make_family(tx, school)
    assert family.child.id
    slot = meeting.slot(0, 0).id
    result = await outcome(
        tx.run(lambda u: booking.book(u, actor_for(family.parent), family.child.id or 0, slot))
    )
    assert result == expected


async def test_one_parent_cannot_be_in_two_places_at_once(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school, children=2)
    parent = actor_for(family.parent)
    emma, lucas = (c.id or 0 for c in family.children)
    await tx.run(lambda u: booking.book(u, parent, emma, meeting.slot(0, 0).id))
    same_time = meeting.slot(1, 0).id
    assert (
        await outcome(tx.run(lambda u: booking.book(u, parent, lucas, same_time)))
        == "OVERLAPPING_APPOINTMENT"
    )
    # Right after is fine.
    await tx.run(lambda u: booking.book(u, parent, lucas, meeting.slot(1, 1).id))


async def test_a_child_meets_each_teacher_once(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    parent, child = actor_for(family.parent), family.child.id or 0
    await tx.run(lambda u: booking.book(u, parent, child, meeting.slot(0, 0).id))
    later = meeting.slot(0, 3).id
    assert (
        await outcome(tx.run(lambda u: booking.book(u, parent, child, later)))
        == "TEACHER_ALREADY_BOOKED"
    )
    await tx.run(lambda u: booking.book(u, parent, child, meeting.slot(1, 3).id))


async def test_one_teacher_per_child_when_the_school_says_so(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school, several_teachers=False)
    family = await make_family(tx, school, children=2)
    parent = actor_for(family.parent)
    first, second = (c.id or 0 for c in family.children)
    await tx.run(lambda u: booking.book(u, parent, first, meeting.slot(0, 0).id))
    other_teacher = meeting.slot(1, 2).id
    assert (
        await outcome(tx.run(lambda u: booking.book(u, parent, first, other_teacher)))
        == "ONE_TEACHER_PER_CHILD"
    )
    await tx.run(lambda u: booking.book(u, parent, second, other_teacher))


async def test_what_is_not_yours_is_not_found(tx: Transactions) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    meeting = await make_meeting(tx, school)
    foreign = await make_meeting(tx, elsewhere)
    for_class = await make_meeting(tx, school, class_names=("6B",))
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    parent, child = actor_for(family.parent), family.child.id or 0

    async def attempt(child_id: int, slot_id: int, who: Actor = parent) -> tuple[str, str | None]:
        try:
            await tx.run(lambda u: booking.book(u, who, child_id, slot_id))
        except DomainError as error:
            return error.code.value, error.field
        return "ok", None

    assert await attempt(stranger.child.id or 0, meeting.slot(0, 0).id) == ("NOT_FOUND", "childId")
    assert await attempt(child, foreign.slot(0, 0).id) == ("NOT_FOUND", "slotId")
    # The child is in class 1A: a meeting for 6B does not exist for this family.
    assert await attempt(child, for_class.slot(0, 0).id) == ("NOT_FOUND", "slotId")
    assert await attempt(child, 10**9) == ("NOT_FOUND", "slotId")
    staff = staff_of(meeting)
    assert await attempt(child, meeting.slot(0, 0).id, staff) == ("FORBIDDEN", None)
    assert await active_on(tx, meeting.slot(0, 0).id) == 0


async def test_meetings_off_for_the_school(tx: Transactions) -> None:
    school = await make_school(tx, feature_meetings=False)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    slot = meeting.slot(0, 0).id
    result = await outcome(
        tx.run(lambda u: booking.book(u, actor_for(family.parent), family.child.id or 0, slot))
    )
    assert result == "FEATURE_DISABLED"


async def test_blocked_slots_cannot_be_booked_and_booked_ones_cannot_be_blocked(
    tx: Transactions,
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    parent, child, staff = actor_for(family.parent), family.child.id or 0, staff_of(meeting)
    free, booked = meeting.slot(0, 0).id, meeting.slot(1, 1).id
    blocked = await tx.run(lambda u: setup.set_slot_blocked(u, staff, free, True))
    assert (blocked.blocked, blocked.available) == (True, False)
    assert await outcome(tx.run(lambda u: booking.book(u, parent, child, free))) == "SLOT_TAKEN"

    await tx.run(lambda u: booking.book(u, parent, child, booked))
    assert (
        await outcome(tx.run(lambda u: setup.set_slot_blocked(u, staff, booked, True)))
        == "SLOT_TAKEN"
    )
    parent_blocks = setup.set_slot_blocked
    assert await outcome(tx.run(lambda u: parent_blocks(u, parent, free, False))) == "FORBIDDEN"

    unblocked = await tx.run(lambda u: setup.set_slot_blocked(u, staff, free, False))
    assert unblocked.available is True
    other_child = await make_child(tx, school, family.parent)
    await tx.run(lambda u: booking.book(u, parent, other_child.id or 0, free))


async def test_a_move_is_all_or_nothing(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    mine, theirs = await make_family(tx, school), await make_family(tx, school)
    me, them = actor_for(mine.parent), actor_for(theirs.parent)
    start, taken, free = meeting.slot(0, 0).id, meeting.slot(0, 1).id, meeting.slot(0, 2).id
    appointment = await tx.run(lambda u: booking.book(u, me, mine.child.id or 0, start))
    await tx.run(lambda u: booking.book(u, them, theirs.child.id or 0, taken))

    assert (
        await outcome(tx.run(lambda u: booking.move(u, me, appointment.id, taken))) == "SLOT_TAKEN"
    )
    assert (await active_on(tx, start), await active_on(tx, taken)) == (1, 1)

    moved = await tx.run(lambda u: booking.move(u, me, appointment.id, free))
    assert (moved.id, moved.slot.id, moved.starts_at) == (
        appointment.id,
        free,
        meeting.slot(0, 2).starts_at,
    )
    assert (await active_on(tx, start), await active_on(tx, free)) == (0, 1)
    # Someone else's appointment is not found; nor is a slot of another meeting usable.
    assert (
        await outcome(tx.run(lambda u: booking.move(u, them, appointment.id, start))) == "NOT_FOUND"
    )
    other = await make_meeting(tx, school)
    assert (
        await outcome(tx.run(lambda u: booking.move(u, me, appointment.id, other.slot(0, 0).id)))
        == "INVALID_INPUT"
    )


async def test_moves_keep_the_family_rules(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school, children=2)
    parent = actor_for(family.parent)
    first, second = (c.id or 0 for c in family.children)
    await tx.run(lambda u: booking.book(u, parent, first, meeting.slot(0, 0).id))
    other = await tx.run(lambda u: booking.book(u, parent, second, meeting.slot(1, 2).id))
    # Onto the sibling's time: overlapping; onto the sibling's own teacher: fine (other child).
    clash = meeting.slot(1, 0).id
    assert (
        await outcome(tx.run(lambda u: booking.move(u, parent, other.id, clash)))
        == "OVERLAPPING_APPOINTMENT"
    )
    # Moving within the same teacher is not "already booked with this teacher".
    await tx.run(lambda u: booking.move(u, parent, other.id, meeting.slot(1, 4).id))


async def test_cancel_frees_the_slot_once(tx: Transactions, clock: Any) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(
        tx, school, days_ahead=0, start="23:00", end="23:50", closes_in=timedelta(hours=12)
    )
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    parent = actor_for(family.parent)
    slot = meeting.slot(0, 0).id
    first = await tx.run(lambda u: booking.book(u, parent, family.child.id or 0, slot))
    assert (
        await outcome(tx.run(lambda u: booking.cancel(u, actor_for(stranger.parent), first.id)))
        == "NOT_FOUND"
    )
    cancelled = await tx.run(lambda u: booking.cancel(u, parent, first.id))
    assert (cancelled.status, cancelled.slot.available) == ("CANCELLED", True)
    assert (
        await outcome(tx.run(lambda u: booking.cancel(u, parent, first.id))) == "ALREADY_CANCELLED"
    )
    assert (
        await outcome(tx.run(lambda u: booking.move(u, parent, first.id, slot)))
        == "ALREADY_CANCELLED"
    )

    # Once it has started, a parent can no longer cancel; the school still can.
    again = await tx.run(lambda u: booking.book(u, parent, family.child.id or 0, slot))
    saved = clock()
    clock.set(meeting.slot(0, 0).starts_at)
    try:
        assert (
            await outcome(tx.run(lambda u: booking.cancel(u, parent, again.id))) == "BOOKING_CLOSED"
        )
        staff = await make_user(tx, school, Role.STAFF)
        await tx.run(lambda u: booking.cancel(u, actor_for(staff), again.id))
    finally:
        clock.set(saved)
    assert await active_on(tx, slot) == 0
