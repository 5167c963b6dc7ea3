"""School events through the API, and the per-child batches (events, unread documents)."""

from datetime import timedelta

from models.accounts import Role
from services.documents.publishing import Audience
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.accounts.test_accounts import gid
from tests.factories import (
    make_document,
    make_event,
    make_family,
    make_school,
    make_user,
    set_class,
)
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes
from tests.support.statements import count_statements

CREATE = """
mutation($t: String!, $k: String!, $s: DateTime!, $e: DateTime, $c: String) {
  createEvent(title: $t, kind: $k, startsAt: $s, endsAt: $e, className: $c) {
    event { id title kind startsAt endsAt className } errors { code field message }
  }
}"""
UPCOMING = """
query($id: ID!, $limit: Int) { viewer { child(id: $id) {
  upcomingEvents(limit: $limit) { title kind startsAt endsAt className }
} } }"""
ALL_CHILDREN = """{ viewer { children {
  firstName
  upcomingEvents(limit: 3) { title startsAt }
  unreadDocuments(limit: 2) { title read downloadUrl }
} } }"""


async def test_staff_create_events_that_the_class_sees(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    in_1a, in_2b = await make_family(tx, school), await make_family(tx, school)
    await set_class(tx, in_2b.child, "2B")
    as_staff = gql.as_(staff.token)
    starts = clock() + timedelta(days=2)
    ends = starts + timedelta(hours=8)

    trip = (
        await as_staff.data(
            CREATE,
            {
                "t": "Excursion",
                "k": "trip",
                "s": starts.isoformat(),
                "e": ends.isoformat(),
                "c": "1A",
            },
        )
    )["createEvent"]
    assert trip["errors"] == []
    assert trip["event"]["className"] == "1A"
    holiday = (
        await as_staff.data(
            CREATE, {"t": "Congé", "k": "holiday", "s": (starts + timedelta(days=1)).isoformat()}
        )
    )["createEvent"]
    assert holiday["event"]["endsAt"] is None

    seen_1a = await gql.as_(in_1a.parent.token).data(UPCOMING, {"id": gid("Child", in_1a.child.id)})
    assert [e["title"] for e in seen_1a["viewer"]["child"]["upcomingEvents"]] == [
        "Excursion",
        "Congé",
    ]
    assert seen_1a["viewer"]["child"]["upcomingEvents"][0] == {
        "title": "Excursion",
        "kind": "trip",
        "startsAt": "2026-11-04T08:00:00+00:00",
        "endsAt": "2026-11-04T16:00:00+00:00",
        "className": "1A",
    }
    seen_2b = await gql.as_(in_2b.parent.token).data(UPCOMING, {"id": gid("Child", in_2b.child.id)})
    assert [e["title"] for e in seen_2b["viewer"]["child"]["upcomingEvents"]] == ["Congé"]


async def test_parents_cannot_create_events_and_bad_input_is_explained(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    staff = await make_user(tx, school, Role.STAFF, locale="en")
    starts = (clock() + timedelta(days=1)).isoformat()
    as_parent = await gql.as_(family.parent.token).data(
        CREATE, {"t": "x", "k": "trip", "s": starts}
    )
    assert error_codes(as_parent["createEvent"]) == ["FORBIDDEN"]
    bad_kind = await gql.as_(staff.token).data(CREATE, {"t": "x", "k": "party", "s": starts})
    [error] = bad_kind["createEvent"]["errors"]
    assert (error["code"], error["field"], error["message"]) == (
        "INVALID_INPUT",
        "kind",
        "This value is not valid.",
    )


async def test_events_and_unread_documents_of_all_children_cost_the_same_for_one_or_five(
    gql: GraphQL, tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    school = await make_school(tx)
    one = await make_family(tx, school, children=1)
    five = await make_family(tx, school, children=5)
    for n in range(6):
        await make_event(tx, school, clock() + timedelta(days=n + 1))
    await make_event(tx, school, clock() + timedelta(hours=5), class_name="1A", title="class")
    for n in range(3):
        await make_document(tx, school, Audience.whole_school(), title=f"school {n}")
    for child in five.children:
        await make_document(tx, school, Audience(child_id=child.id), title=child.first_name)

    async def statements_for(token: str) -> tuple[int, list]:
        with count_statements(runtime.database.engine) as statements:
            data = await gql.as_(token).data(ALL_CHILDREN)
        return len(statements), data["viewer"]["children"]

    # Warm-up (a session's first use may refresh its idle clock).
    await statements_for(one.parent.token)
    await statements_for(five.parent.token)
    count_one, children_one = await statements_for(one.parent.token)
    count_five, children_five = await statements_for(five.parent.token)
    assert len(children_five) == 5
    assert all(len(c["upcomingEvents"]) == 3 for c in children_one + children_five)
    assert all(c["upcomingEvents"][0]["title"] == "class" for c in children_five)
    # Newest first: each child's own document (published last), then the latest school one.
    assert [d["title"] for d in children_one[0]["unreadDocuments"]] == ["school 2", "school 1"]
    for child in children_five:
        unread = child["unreadDocuments"]
        assert [d["title"] for d in unread] == [child["firstName"], "school 2"]
        assert all(d["read"] is False and "sig=" in d["downloadUrl"] for d in unread)
    assert count_one == count_five
    # Session, viewer, children, unread documents, and the agenda's three sources (events,
    # meetings, tomorrow's meals).
    assert count_five <= 7
