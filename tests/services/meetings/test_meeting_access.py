"""A meeting's teachers, slots and classes, asked of the services directly: a parent reads
those of the meetings open to their children, a teacher those they take part in, staff their
school's; any other meeting answers nothing, or NOT_FOUND."""

import pytest

from models.accounts import Role
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.meetings import lookup
from services.meetings.slots import slots_of_meetings, snapshot
from services.sql.uow import Transactions
from tests.factories import actor_for, make_family, make_meeting, make_school, make_user


async def test_each_viewer_reads_the_meetings_they_see_only(tx: Transactions) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    teacher_person = await make_user(tx, school, Role.TEACHER)
    ours = await make_meeting(
        tx, school, class_names=("1A",), teacher_user_ids=(teacher_person.id,)
    )
    other_class = await make_meeting(tx, school, class_names=("2B",))
    other_school = await make_meeting(tx, elsewhere)
    ids = [ours.id, other_class.id, other_school.id]
    parent = actor_for((await make_family(tx, school)).parent)  # a child of class 1A
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    teacher = actor_for(teacher_person)

    async def seen_by(actor: Actor) -> tuple[set[int], set[int], dict[int, list[str]], set[int]]:
        teachers = await tx.read(lambda s: lookup.teachers_of(s, actor, ids))
        slots = await tx.read(lambda s: slots_of_meetings(s, actor, ids))
        classes = await tx.read(lambda s: lookup.classes_of(s, actor, ids))
        meetings = await tx.read(lambda s: lookup.meetings_by_id(s, actor, ids))
        return (
            {m for m, found in teachers.items() if found},
            {m for m, found in slots.items() if found},
            classes,
            set(meetings),
        )

    assert await seen_by(parent) == ({ours.id}, {ours.id}, {ours.id: ["1A"]}, {ours.id})
    assert await seen_by(teacher) == ({ours.id}, {ours.id}, {ours.id: ["1A"]}, {ours.id})
    both = {ours.id, other_class.id}
    assert await seen_by(staff) == (
        both,
        both,
        {ours.id: ["1A"], other_class.id: ["2B"]},
        both,
    )
    teachers = await tx.read(lambda s: lookup.teachers_of(s, parent, [ours.id]))
    by_name = sorted(ours.teachers, key=lambda t: (t.display_name, t.id))
    assert [t.id for t in teachers[ours.id]] == [t.id for t in by_name]


async def test_the_slots_snapshot_is_for_those_who_see_the_meeting(tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school, class_names=("2B",), teachers=1)
    parent = actor_for((await make_family(tx, school)).parent)  # class 1A: not invited
    staff = actor_for(await make_user(tx, school, Role.STAFF))

    _, slots = await tx.read(lambda s: snapshot(s, staff, meeting.id))
    assert [slot.id for slot in slots] == [
        slot.id for slot in meeting.slots[meeting.teachers[0].id]
    ]
    with pytest.raises(NotFound):
        await tx.read(lambda s: snapshot(s, parent, meeting.id))
