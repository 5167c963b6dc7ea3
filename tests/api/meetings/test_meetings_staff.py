"""The school's side through the API: meetings, teachers and their slots, blocking, schedules."""

from models.accounts import Role
from services.sql.uow import Transactions
from tests.factories import gid, make_family, make_school, make_user
from tests.support.graphql import GraphQL, error_codes

CREATE = """
mutation($title: String!, $date: Date!, $start: Time!, $end: Time!, $opens: DateTime!,
         $closes: DateTime!, $minutes: Int!, $classes: [String!]) {
  createMeeting(title: $title, date: $date, startTime: $start, endTime: $end,
                bookingOpensAt: $opens, bookingClosesAt: $closes, slotMinutes: $minutes,
                classNames: $classes) {
    meeting { id title startsAt endsAt bookingOpensAt bookingClosesAt slotMinutes severalTeachers
              classNames }
    errors { code field }
  }
}"""
ADD_TEACHER = """
mutation($m: ID!, $user: ID, $name: String, $subject: String, $start: Time, $end: Time,
         $breaks: [TimeRangeInput!]) {
  addMeetingTeacher(meetingId: $m, teacherUserId: $user, displayName: $name, subject: $subject,
                    startTime: $start, endTime: $end, breaks: $breaks) {
    teacher { id displayName subject } slots { id startsAt endsAt available }
    errors { code field }
  }
}"""
BLOCK = (
    "mutation($s: ID!) { blockSlot(slotId: $s) { slot { id available blocked } errors { code } } }"
)
UNBLOCK = "mutation($s: ID!) { unblockSlot(slotId: $s) { slot { id available blocked } errors { code } } }"
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  appointment { id } errors { code } } }"""
SCHEDULE = """query($m: ID!, $t: ID) { node(id: $m) { ... on Meeting {
  schedule(teacherId: $t) { slot { startsAt available blocked teacher { displayName } }
                            booking { childFirstName className parentName } }
  printableSchedule(teacherId: $t)
} } }"""
MEETING = {
    "title": "Réunion de parents",
    "date": "2026-12-03",
    "start": "17:00",
    "end": "20:00",
    "opens": "2026-11-01T08:00:00+00:00",
    "closes": "2026-12-02T12:00:00+01:00",
    "minutes": 10,
}


async def test_staff_set_up_a_meeting_whose_slots_follow_hours_and_breaks(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    created = (await staff.data(CREATE, MEETING))["createMeeting"]
    assert created["errors"] == []
    meeting = created["meeting"]
    # 17:00 in Brussels in December is 16:00 UTC.
    assert (meeting["startsAt"], meeting["endsAt"]) == (
        "2026-12-03T16:00:00+00:00",
        "2026-12-03T19:00:00+00:00",
    )
    assert meeting["bookingClosesAt"] == "2026-12-02T11:00:00+00:00"
    assert (meeting["slotMinutes"], meeting["severalTeachers"]) == (10, True)
    assert meeting["classNames"] == []
    for_classes = await staff.data(CREATE, {**MEETING, "classes": ["2B", " 1A", "2B"]})
    assert for_classes["createMeeting"]["meeting"]["classNames"] == ["1A", "2B"]

    added = (
        await staff.data(
            ADD_TEACHER,
            {
                "m": meeting["id"],
                "name": "M. Peeters",
                "subject": "Mathématiques",
                "start": "17:30",
                "end": "19:00",
                "breaks": [{"start": "18:15", "end": "18:35"}],
            },
        )
    )["addMeetingTeacher"]
    assert added["errors"] == []
    assert added["teacher"]["displayName"] == "M. Peeters"
    assert added["teacher"]["subject"] == "Mathématiques"
    starts = [slot["startsAt"][11:16] for slot in added["slots"]]
    # 16:30Z..18:00Z, no slot overlapping 17:15Z-17:35Z, the next one starts when it ends.
    assert starts == [
        "16:30", "16:40", "16:50", "17:00", "17:35", "17:45",
    ]  # fmt: skip
    assert all(slot["available"] for slot in added["slots"])

    whole = await staff.data(ADD_TEACHER, {"m": meeting["id"], "name": "Wouters"})
    assert len(whole["addMeetingTeacher"]["slots"]) == 18  # 17:00-20:00, every 10 minutes


async def test_staff_input_is_checked(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    for change, field in (
        ({"title": "  "}, "title"),
        ({"end": "16:00"}, "endTime"),
        ({"minutes": 0}, "slotMinutes"),
        ({"closes": "2026-10-01T08:00:00+00:00"}, "bookingClosesAt"),
        ({"closes": "2026-12-04T08:00:00+00:00"}, "bookingClosesAt"),  # after the meeting
        ({"classes": [" "]}, "classNames"),
    ):
        payload = (await staff.data(CREATE, {**MEETING, **change}))["createMeeting"]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", field)]
        assert payload["meeting"] is None

    meeting = (await staff.data(CREATE, MEETING))["createMeeting"]["meeting"]["id"]
    parent = await make_user(tx, school, Role.PARENT)
    for variables, expected in (
        ({"name": ""}, ("INVALID_INPUT", "displayName")),
        ({"name": "X", "start": "16:00"}, ("INVALID_INPUT", "startTime")),
        ({"name": "X", "end": "21:00"}, ("INVALID_INPUT", "endTime")),
        (
            {"name": "X", "breaks": [{"start": "16:00", "end": "17:30"}]},
            ("INVALID_INPUT", "breaks"),
        ),
        ({"user": gid("User", parent.id)}, ("NOT_FOUND", "teacherUserId")),
    ):
        payload = (await staff.data(ADD_TEACHER, {"m": meeting, **variables}))["addMeetingTeacher"]
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [expected]

    as_parent = gql.as_(parent.token)
    assert error_codes((await as_parent.data(CREATE, MEETING))["createMeeting"]) == ["FORBIDDEN"]
    elsewhere = await make_school(tx)
    other_staff = gql.as_((await make_user(tx, elsewhere, Role.STAFF)).token)
    foreign = await other_staff.data(ADD_TEACHER, {"m": meeting, "name": "X"})
    assert error_codes(foreign["addMeetingTeacher"]) == ["NOT_FOUND"]


async def test_schedules_for_staff_for_the_teacher_and_not_for_parents(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    lambert = await make_user(tx, school, Role.TEACHER)
    meeting = (await staff.data(CREATE, MEETING))["createMeeting"]["meeting"]["id"]
    mine = (
        await staff.data(
            ADD_TEACHER,
            {"m": meeting, "user": gid("User", lambert.id), "subject": "Français", "end": "17:30"},
        )
    )["addMeetingTeacher"]
    assert mine["teacher"]["displayName"] == lambert.user.display_name
    again = await staff.data(ADD_TEACHER, {"m": meeting, "user": gid("User", lambert.id)})
    assert error_codes(again["addMeetingTeacher"]) == ["ALREADY_EXISTS"]
    other = await staff.data(ADD_TEACHER, {"m": meeting, "name": "Wouters", "end": "17:20"})
    other_slots = other["addMeetingTeacher"]["slots"]

    family = await make_family(tx, school)
    parent = gql.as_(family.parent.token)
    child = gid("Child", family.child.id)
    blocked = (await staff.data(BLOCK, {"s": mine["slots"][0]["id"]}))["blockSlot"]
    assert blocked["slot"]["available"] is False and blocked["slot"]["blocked"] is True
    booked = await parent.data(BOOK, {"c": child, "s": mine["slots"][1]["id"]})
    assert booked["bookAppointment"]["errors"] == []
    same_time = await parent.data(BOOK, {"c": child, "s": other_slots[1]["id"]})
    assert error_codes(same_time["bookAppointment"]) == ["OVERLAPPING_APPOINTMENT"]
    assert (await staff.data(BLOCK, {"s": mine["slots"][1]["id"]}))["blockSlot"]["errors"] == [
        {"code": "SLOT_TAKEN"}
    ]

    entries = (await staff.data(SCHEDULE, {"m": meeting}))["node"]["schedule"]
    assert [
        (e["slot"]["teacher"]["displayName"], e["slot"]["startsAt"][11:16]) for e in entries
    ] == [
        (lambert.user.display_name, "16:00"),
        (lambert.user.display_name, "16:10"),
        (lambert.user.display_name, "16:20"),
        ("Wouters", "16:00"),
        ("Wouters", "16:10"),
    ]
    assert [e["slot"]["blocked"] for e in entries] == [True, False, False, False, False]
    booking = entries[1]["booking"]
    assert booking == {
        "childFirstName": family.child.first_name,
        "className": "1A",
        "parentName": family.parent.user.display_name,
    }
    assert entries[4]["booking"] is None  # 17:10 with Wouters overlapped the 17:10 with Lambert

    text = (await staff.data(SCHEDULE, {"m": meeting}))["node"]["printableSchedule"]
    assert text.splitlines()[:5] == [
        "Réunion de parents — jeudi 3 décembre 2026",
        "",
        f"{lambert.user.display_name} (Français)",
        "  17:00–17:10  bloqué",
        f"  17:10–17:20  {family.child.first_name} Test (1A) — parent : "
        f"{family.parent.user.display_name}",
    ]
    assert "  17:10–17:20  libre" in text.split("Wouters")[1]

    teacher = gql.as_(lambert.token)
    listed = (await teacher.data("{ meetings { id } }"))["meetings"]
    assert listed == [{"id": meeting}]
    own = (await teacher.data(SCHEDULE, {"m": meeting}))["node"]["schedule"]
    assert {e["slot"]["teacher"]["displayName"] for e in own} == {lambert.user.display_name}
    assert len(own) == 3

    parents_view = (await parent.data(SCHEDULE, {"m": meeting}))["node"]
    assert parents_view["schedule"] == []
    unblocked = (await staff.data(UNBLOCK, {"s": mine["slots"][0]["id"]}))["unblockSlot"]
    assert unblocked["slot"] == {"id": mine["slots"][0]["id"], "available": True, "blocked": False}
