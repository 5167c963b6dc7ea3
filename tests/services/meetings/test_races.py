"""Races the unique indexes cannot settle alone: one family's bookings, each in its own
transaction and session, at the same moment."""

import asyncio
from collections import Counter

from sqlalchemy import select
from sqlmodel import col

from models.meetings import Appointment, AppointmentStatus
from services.common.errors import DomainError
from services.meetings import booking
from services.sql.uow import Transactions
from tests.factories import (
    actor_for,
    make_child,
    make_family,
    make_meeting,
    make_school,
    make_user,
)

ROUNDS = 6


async def _book(tx: Transactions, parent: object, child_id: int, slot_id: int) -> str:
    try:
        await tx.run(lambda u: booking.book(u, parent, child_id, slot_id))  # type: ignore[arg-type]
    except DomainError as error:
        return error.code.value
    return "ok"


async def _active(tx: Transactions, child_ids: list[int]) -> list[Appointment]:
    rows = await tx.read(
        lambda s: s.scalars(
            select(Appointment).where(
                col(Appointment.child_id).in_(child_ids),
                col(Appointment.status) == AppointmentStatus.ACTIVE,
            )
        )
    )
    return list(rows.all())


async def test_two_children_at_the_same_time_with_two_teachers_one_wins(
    tx: Transactions,
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)  # 17:00-18:00, six slots per teacher
    for round_ in range(ROUNDS):
        family = await make_family(tx, school, children=2)
        parent = actor_for(family.parent)
        first, second = (c.id or 0 for c in family.children)
        results = await asyncio.gather(
            _book(tx, parent, first, meeting.slot(0, round_).id),
            _book(tx, parent, second, meeting.slot(1, round_).id),
        )
        assert Counter(results) == {"ok": 1, "OVERLAPPING_APPOINTMENT": 1}, round_
        assert len(await _active(tx, [first, second])) == 1


async def test_two_guardians_booking_one_teacher_for_their_child_one_wins(
    tx: Transactions,
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    for round_ in range(ROUNDS // 2):
        mother, father = await make_user(tx, school), await make_user(tx, school)
        child = await make_child(tx, school, mother, father)
        assert child.id is not None
        results = await asyncio.gather(
            _book(tx, actor_for(mother), child.id, meeting.slot(0, 2 * round_).id),
            _book(tx, actor_for(father), child.id, meeting.slot(0, 2 * round_ + 1).id),
        )
        assert Counter(results) == {"ok": 1, "TEACHER_ALREADY_BOOKED": 1}, round_
        assert len(await _active(tx, [child.id])) == 1
