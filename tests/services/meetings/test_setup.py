"""Setting meetings up, and the listings other parts of the portal rely on."""

from datetime import UTC, datetime, timedelta

from models.accounts import Role
from models.family import Child
from services.meetings import access, setup
from services.meetings.slots import slots_channel
from services.sql.uow import Transactions, current_sequence
from tests.factories import Person, actor_for, make_child, make_meeting, make_school, make_user

T0 = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def minutes(*values: int) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in values]


def test_slots_skip_breaks_and_resume_when_a_break_ends() -> None:
    ten = timedelta(minutes=10)
    plain = setup.slot_times(T0, T0 + timedelta(minutes=40), ten, [])
    assert [start for start, _ in plain] == minutes(0, 10, 20, 30)
    # A break from 15 to 32: nothing overlaps it, the next slot starts at 32.
    pause = [(T0 + timedelta(minutes=15), T0 + timedelta(minutes=32))]
    cut = setup.slot_times(T0, T0 + timedelta(minutes=60), ten, pause)
    assert [start for start, _ in cut] == minutes(0, 32, 42)
    assert all(end - start == ten for start, end in cut)
    # Hours shorter than one slot give none.
    assert setup.slot_times(T0, T0 + timedelta(minutes=5), ten, []) == []


async def test_meetings_between_for_the_dashboard(tx: Transactions) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    soon = await make_meeting(tx, school, days_ahead=3)
    for_6b = await make_meeting(tx, school, days_ahead=4, class_names=("6B",))
    later = await make_meeting(tx, school, days_ahead=30)
    await make_meeting(tx, elsewhere, days_ahead=3)
    child = await make_child(tx, school)  # class 1A
    now = tx.now()

    async def between(days: int, child: Child | None = None) -> list[int | None]:
        end = now + timedelta(days=days)
        rows = await tx.read(
            lambda s: access.meetings_between(s, school.id or 0, now, end, child=child)
        )
        return [row.id for row in rows]

    assert await between(10) == [soon.id, for_6b.id]
    assert await between(60) == [soon.id, for_6b.id, later.id]
    assert await between(60, child) == [soon.id, later.id]
    [row] = await tx.read(
        lambda s: access.meetings_between(s, school.id or 0, now, now + timedelta(days=3, hours=23))
    )
    assert (row.title, row.starts_at, row.ends_at) == (
        soon.meeting.title,
        soon.meeting.starts_at,
        soon.meeting.ends_at,
    )


async def test_who_sees_which_meeting(tx: Transactions) -> None:
    school = await make_school(tx)
    teacher = await make_user(tx, school, Role.TEACHER)
    staff = await make_user(tx, school, Role.STAFF)
    parent = await make_user(tx, school)
    await make_child(tx, school, parent)
    theirs = await make_meeting(tx, school, teacher_user_ids=(teacher.id,))
    whole = await make_meeting(tx, school, days_ahead=20)
    other_class = await make_meeting(tx, school, days_ahead=21, class_names=("6B",))

    async def visible(person: Person) -> list[int | None]:
        rows = await tx.read(lambda s: access.visible_meetings(s, actor_for(person)))
        return [row.id for row in rows]

    assert await visible(staff) == [theirs.id, whole.id, other_class.id]
    assert await visible(teacher) == [theirs.id]
    assert await visible(parent) == [theirs.id, whole.id]


async def test_new_teachers_and_blocks_are_published_on_the_meetings_channel(
    tx: Transactions,
) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school, teachers=2)
    channel = slots_channel(meeting.id)
    assert await tx.read(lambda s: current_sequence(s, channel)) == 2  # one event per teacher
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    slot = meeting.slot(0, 0).id
    await tx.run(lambda u: setup.set_slot_blocked(u, staff, slot, True))
    await tx.run(lambda u: setup.set_slot_blocked(u, staff, slot, True))  # no change, no event
    assert await tx.read(lambda s: current_sequence(s, channel)) == 3
