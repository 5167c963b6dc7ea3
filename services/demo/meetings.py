"""The demo school's parent meeting: two weeks ahead, 17:00-20:00, three teachers with
10-minute slots (one with a break), booking open, two slots already taken by another family."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.accounts import Role, User
from models.meetings import Meeting
from services.accounts.actor import Actor
from services.accounts.passwords import hash_password
from services.demo.school import DemoSchool, _user
from services.meetings import booking, setup
from services.sql.uow import UnitOfWork

TEACHER_USERNAME, TEACHER_PASSWORD = "demo.teacher", "demo-teacher-pass"


async def seed_meetings(uow: UnitOfWork, demo: DemoSchool) -> Meeting:
    school = demo.school
    assert school.id is not None and demo.staff.id is not None and demo.other.id is not None
    zone = ZoneInfo(school.timezone)
    day = uow.now.astimezone(zone).date() + timedelta(days=14)
    while day.weekday() >= 5:  # parents come on a school day
        day += timedelta(days=1)
    staff = Actor(demo.staff.id, school.id, Role.STAFF, "fr")
    teacher: User = await _user(
        uow,
        school,
        Role.TEACHER,
        TEACHER_USERNAME,
        "Claire Lambert",
        await hash_password(uow.settings, TEACHER_PASSWORD),
    )
    meeting = await setup.create_meeting(
        uow,
        staff,
        title="Réunion de parents",
        day=day,
        start=time(17, 0),
        end=time(20, 0),
        booking_opens_at=uow.now,
        booking_closes_at=datetime.combine(day - timedelta(days=1), time(12, 0), tzinfo=zone),
        slot_minutes=10,
    )
    assert meeting.id is not None
    _, lambert = await setup.add_teacher(
        uow, staff, meeting.id, user_id=teacher.id, subject="Français"
    )
    _, peeters = await setup.add_teacher(
        uow,
        staff,
        meeting.id,
        display_name="Marc Peeters",
        subject="Mathématiques",
        breaks=[setup.TimeRange(time(18, 20), time(18, 40))],
    )
    await setup.add_teacher(
        uow, staff, meeting.id, display_name="Sofia Rossi", subject="Néerlandais"
    )

    # Another family got there first: Léa (demo.other) at 17:00 and 17:30.
    other = Actor(demo.other.id, school.id, Role.PARENT, demo.other.locale)
    lea = demo.other_children[0].id
    assert lea is not None
    await booking.book(uow, other, lea, lambert[0].id, notify=False)
    await booking.book(uow, other, lea, peeters[3].id, notify=False)
    return meeting
