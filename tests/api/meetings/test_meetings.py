"""Parent meetings through the API: what parents see, book, move and cancel."""

from datetime import timedelta

from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import gid, make_family, make_meeting, make_school
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes
from tests.support.statements import count_statements

CHILD_MEETINGS = """
query($child: ID!, $teacher: ID) { viewer { child(id: $child) {
  meetings { id title teachers { id displayName subject }
             slots(teacherId: $teacher) { id available startsAt endsAt teacher { id } } }
  appointments { id status startsAt endsAt slot { id available } teacher { id }
                 child { id } meeting { id } }
} } }"""
BOOK = """mutation($child: ID!, $slot: ID!) { bookAppointment(childId: $child, slotId: $slot) {
  appointment { id status startsAt slot { id available } teacher { id } child { id } }
  errors { code field message } } }"""
MOVE = """mutation($a: ID!, $slot: ID!) { moveAppointment(appointmentId: $a, slotId: $slot) {
  appointment { id status startsAt slot { id available } }
  errors { code field message } } }"""
CANCEL = """mutation($a: ID!) { cancelAppointment(appointmentId: $a) {
  appointment { id status slot { id available } } errors { code field message } } }"""


def availability(child: dict) -> dict[str, bool]:
    return {s["id"]: s["available"] for m in child["meetings"] for s in m["slots"]}


async def test_a_parent_books_moves_and_cancels(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family, other = await make_family(tx, school), await make_family(tx, school)
    parent = gql.as_(family.parent.token)
    child = gid("Child", family.child.id)
    first, second = gid("Slot", meeting.slot(0, 0).id), gid("Slot", meeting.slot(0, 3).id)

    seen = (await parent.data(CHILD_MEETINGS, {"child": child}))["viewer"]["child"]
    [listed] = seen["meetings"]
    assert listed["id"] == gid("Meeting", meeting.id)
    assert [t["id"] for t in listed["teachers"]] == [gid("Teacher", t.id) for t in meeting.teachers]
    assert len(listed["slots"]) == 12 and all(availability(seen).values())
    assert seen["appointments"] == []

    booked = (await parent.data(BOOK, {"child": child, "slot": first}))["bookAppointment"]
    assert booked["errors"] == []
    appointment = booked["appointment"]
    assert appointment["slot"] == {"id": first, "available": False}
    assert appointment["child"] == {"id": child}
    assert appointment["startsAt"] == meeting.slot(0, 0).starts_at.isoformat()

    late = (
        await gql.as_(other.parent.token).data(
            BOOK, {"child": gid("Child", other.child.id), "slot": first}
        )
    )["bookAppointment"]
    assert late["appointment"] is None
    assert late["errors"] == [
        {
            "code": "SLOT_TAKEN",
            "field": "slotId",
            "message": "Ce créneau vient d'être réservé par quelqu'un d'autre.",
        }
    ]

    moved = (await parent.data(MOVE, {"a": appointment["id"], "slot": second}))["moveAppointment"]
    assert moved["errors"] == []
    assert moved["appointment"]["id"] == appointment["id"]
    assert moved["appointment"]["slot"] == {"id": second, "available": False}
    seen = (await parent.data(CHILD_MEETINGS, {"child": child}))["viewer"]["child"]
    assert availability(seen)[first] is True and availability(seen)[second] is False
    [mine] = seen["appointments"]
    assert mine["slot"]["id"] == second and mine["meeting"]["id"] == gid("Meeting", meeting.id)

    cancelled = (await parent.data(CANCEL, {"a": appointment["id"]}))["cancelAppointment"]
    assert cancelled["errors"] == []
    assert cancelled["appointment"]["status"] == "CANCELLED"
    assert cancelled["appointment"]["slot"] == {"id": second, "available": True}
    again = (await parent.data(CANCEL, {"a": appointment["id"]}))["cancelAppointment"]
    assert error_codes(again) == ["ALREADY_CANCELLED"]
    seen = (await parent.data(CHILD_MEETINGS, {"child": child}))["viewer"]["child"]
    assert seen["appointments"] == [] and all(availability(seen).values())


async def test_slots_of_one_teacher_and_appointments_soonest_first(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    later = await make_meeting(tx, school, days_ahead=5)
    sooner = await make_meeting(tx, school, days_ahead=2)
    family = await make_family(tx, school)
    parent, child = gql.as_(family.parent.token), gid("Child", family.child.id)
    for slot in (later.slot(1, 2), sooner.slot(0, 5), sooner.slot(1, 0)):
        payload = await parent.data(BOOK, {"child": child, "slot": gid("Slot", slot.id)})
        assert payload["bookAppointment"]["errors"] == []

    teacher = gid("Teacher", sooner.teachers[1].id)
    seen = await parent.data(CHILD_MEETINGS, {"child": child, "teacher": teacher})
    child_view = seen["viewer"]["child"]
    assert [m["id"] for m in child_view["meetings"]] == [
        gid("Meeting", sooner.id),
        gid("Meeting", later.id),
    ]
    assert {s["teacher"]["id"] for s in child_view["meetings"][0]["slots"]} == {teacher}
    assert child_view["meetings"][1]["slots"] == []  # that teacher is not in the later meeting
    starts = [a["startsAt"] for a in child_view["appointments"]]
    assert starts == [
        sooner.slot(1, 0).starts_at.isoformat(),
        sooner.slot(0, 5).starts_at.isoformat(),
        later.slot(1, 2).starts_at.isoformat(),
    ]

    # Once the sooner meeting is over, it leaves the list; its appointments go last.
    saved = clock()
    clock.set(sooner.meeting.ends_at + timedelta(minutes=1))
    try:
        after = (await parent.data(CHILD_MEETINGS, {"child": child}))["viewer"]["child"]
    finally:
        clock.set(saved)
    assert [m["id"] for m in after["meetings"]] == [gid("Meeting", later.id)]
    assert [a["startsAt"] for a in after["appointments"]] == [
        later.slot(1, 2).starts_at.isoformat(),
        sooner.slot(0, 5).starts_at.isoformat(),
        sooner.slot(1, 0).starts_at.isoformat(),
    ]


async def test_meetings_for_a_class_are_seen_by_that_class_only(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    for_1a = await make_meeting(tx, school, class_names=("1A",))
    for_6b = await make_meeting(tx, school, class_names=("6B",))
    family = await make_family(tx, school)  # the factory's children are in 1A
    parent, child = gql.as_(family.parent.token), gid("Child", family.child.id)
    seen = (await parent.data(CHILD_MEETINGS, {"child": child}))["viewer"]["child"]
    assert [m["id"] for m in seen["meetings"]] == [gid("Meeting", for_1a.id)]
    hidden = gid("Slot", for_6b.slot(0, 0).id)
    refused = (await parent.data(BOOK, {"child": child, "slot": hidden}))["bookAppointment"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    nodes = await parent.data(
        "query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }",
        {"a": gid("Meeting", for_1a.id), "b": gid("Meeting", for_6b.id)},
    )
    assert nodes == {"a": {"id": gid("Meeting", for_1a.id)}, "b": None}


async def test_other_families_and_schools_answer_not_found(gql: GraphQL, tx: Transactions) -> None:
    school, elsewhere = await make_school(tx), await make_school(tx)
    meeting, foreign = await make_meeting(tx, school), await make_meeting(tx, elsewhere)
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    parent = gql.as_(family.parent.token)
    mine = gid("Child", family.child.id)
    theirs = gid("Child", stranger.child.id)
    slot = gid("Slot", meeting.slot(0, 0).id)

    not_mine = (await parent.data(BOOK, {"child": theirs, "slot": slot}))["bookAppointment"]
    assert [(e["code"], e["field"]) for e in not_mine["errors"]] == [("NOT_FOUND", "childId")]
    foreign_slot = gid("Slot", foreign.slot(0, 0).id)
    abroad = (await parent.data(BOOK, {"child": mine, "slot": foreign_slot}))["bookAppointment"]
    assert [(e["code"], e["field"]) for e in abroad["errors"]] == [("NOT_FOUND", "slotId")]
    garbage = (await parent.data(BOOK, {"child": mine, "slot": "nonsense"}))["bookAppointment"]
    assert [(e["code"], e["field"]) for e in garbage["errors"]] == [("NOT_FOUND", "slotId")]

    stranger_booking = (
        await gql.as_(stranger.parent.token).data(BOOK, {"child": theirs, "slot": slot})
    )["bookAppointment"]["appointment"]["id"]
    for query, variables in (
        (CANCEL, {"a": stranger_booking}),
        (MOVE, {"a": stranger_booking, "slot": gid("Slot", meeting.slot(0, 1).id)}),
    ):
        answer = next(iter((await parent.data(query, variables)).values()))
        assert error_codes(answer) == ["NOT_FOUND"]
    lookups = await parent.data(
        "query($a: ID!, $s: ID!, $t: ID!, $m: ID!) { a: node(id: $a) { id } s: node(id: $s) { id }"
        " t: node(id: $t) { id } m: node(id: $m) { id } }",
        {
            "a": stranger_booking,
            "s": foreign_slot,
            "t": gid("Teacher", foreign.teachers[0].id),
            "m": gid("Meeting", foreign.id),
        },
    )
    assert lookups == {"a": None, "s": None, "t": None, "m": None}
    own = await parent.data(
        "query($s: ID!, $t: ID!) { s: node(id: $s) { ... on Slot { available } }"
        " t: node(id: $t) { ... on Teacher { displayName } } }",
        {"s": slot, "t": gid("Teacher", meeting.teachers[0].id)},
    )
    assert own == {
        "s": {"available": False},
        "t": {"displayName": meeting.teachers[0].display_name},
    }


async def test_booking_needs_a_session(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    meeting = await make_meeting(tx, school)
    family = await make_family(tx, school)
    body = await gql.execute(
        BOOK, {"child": gid("Child", family.child.id), "slot": gid("Slot", meeting.slot(0, 0).id)}
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


ALL_CHILDREN = """{ viewer { children {
  meetings { id teachers { id } slots { id available } }
  appointments { id slot { id } meeting { id title } }
} } }"""


async def test_several_children_cost_the_statements_of_one(
    gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    meetings = [await make_meeting(tx, school, days_ahead=d) for d in (3, 4)]
    one, four = await make_family(tx, school), await make_family(tx, school, children=4)
    for index, (family, child) in enumerate((f, c) for f in (one, four) for c in f.children):
        parent = gql.as_(family.parent.token)
        for meeting in meetings:
            slot = gid("Slot", meeting.slot(0, index).id)
            booked = await parent.data(BOOK, {"child": gid("Child", child.id), "slot": slot})
            assert booked["bookAppointment"]["errors"] == []

    async def statements_for(token: str) -> tuple[int, list[dict]]:
        with count_statements(runtime.database.engine) as statements:
            data = await gql.as_(token).data(ALL_CHILDREN)
        # The mail worker (sending the booking mails) shares the engine: not ours to count.
        ours = [sql for sql in statements if "mail_outbox" not in sql]
        return len(ours), data["viewer"]["children"]

    await statements_for(one.parent.token)  # warm-up: a first use may refresh the session
    await statements_for(four.parent.token)
    count_one, children_one = await statements_for(one.parent.token)
    count_four, children_four = await statements_for(four.parent.token)
    assert len(children_four) == 4
    for seen in children_one + children_four:
        assert [m["id"] for m in seen["meetings"]] == [gid("Meeting", m.id) for m in meetings]
        assert all(len(m["slots"]) == 12 for m in seen["meetings"])
        assert [a["meeting"]["id"] for a in seen["appointments"]] == [
            gid("Meeting", m.id) for m in meetings
        ]
    assert count_one == count_four, (count_one, count_four)
