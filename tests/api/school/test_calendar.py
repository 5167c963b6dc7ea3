"""Closed days and feature switches through the API: refunds, agendas, refusals."""

import pytest

from models.accounts import Role
from models.family import School
from services.sql.uow import Transactions
from tests.api.accounts.test_accounts import gid
from tests.api.meals.test_meals_api import (  # noqa: F401 (the autouse clock fixture)
    CALENDAR,
    THURSDAY,
    funded_family,
    monday,
    reserve,
)
from tests.factories import (
    Family,
    fund,
    make_family,
    make_school,
    make_user,
    set_class,
    wallets_of,
)
from tests.support.graphql import GraphQL, error_codes

CLOSE = """mutation($f: Date!, $t: Date!, $title: String!) {
  closeSchoolDays(from: $f, to: $t, title: $title) {
    closedDays refundedReservations event { title kind } errors { code field } } }"""
CLOSED_DAYS = "query($f: Date!, $t: Date!) { closedDays(from: $f, to: $t) }"
FEATURES = """mutation($meals: Boolean, $meetings: Boolean) {
  setSchoolFeatures(meals: $meals, meetings: $meetings) {
    school { features { meals meetings onlineTopUp } } errors { code } } }"""
VIEWER = """{ viewer { school { features { meals meetings } } children {
  upcomingEvents(limit: 5) { title kind } } } }"""
WALLETS = "query($id: ID!) { viewer { child(id: $id) { wallets { balance { cents } } } } }"


async def test_closing_a_period_refunds_blocks_and_shows_a_holiday(
    gql: GraphQL, tx: Transactions
) -> None:
    family, (hot, soup) = await funded_family(tx)
    booked = await reserve(gql, family, hot)
    assert booked["wallet"]["balance"]["cents"] == 2000 - 420
    staff = await make_user(tx, await school_of(tx, family), Role.STAFF)

    closed = (
        await gql.as_(staff.token).data(
            CLOSE, {"f": "2026-12-02", "t": "2026-12-07", "title": "Journée pédagogique"}
        )
    )["closeSchoolDays"]
    assert closed == {
        "closedDays": ["2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07"],
        "refundedReservations": 1,
        "event": {"title": "Journée pédagogique", "kind": "holiday"},
        "errors": [],
    }
    me = gql.as_(family.parent.token)
    balances = (await me.data(WALLETS, {"id": gid("Child", family.child.id)}))["viewer"]
    assert balances["child"]["wallets"][0]["balance"]["cents"] == 2000
    assert error_codes(await reserve(gql, family, soup)) == ["RESERVATION_CLOSED"]
    assert (await me.data(CLOSED_DAYS, {"f": "2026-12-01", "t": "2026-12-31"}))["closedDays"] == [
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-07",
    ]
    agenda = (await me.data(VIEWER))["viewer"]["children"][0]["upcomingEvents"]
    assert {"title": "Journée pédagogique", "kind": "holiday"} in agenda
    calendar = (await me.data(CALENDAR, {"id": gid("Child", family.child.id), "month": "2026-12"}))[
        "viewer"
    ]["child"]["mealCalendar"]["days"]
    assert [d["bookable"] for d in calendar if d["date"] == THURSDAY] == [False]

    # Closing again finds the days closed: no second refund, no second mail.
    again = (
        await gql.as_(staff.token).data(
            CLOSE, {"f": "2026-12-03", "t": "2026-12-03", "title": "Encore"}
        )
    )["closeSchoolDays"]
    assert (again["closedDays"], again["refundedReservations"]) == ([], 0)


async def school_of(tx: Transactions, family: Family) -> School:
    school = await tx.read(lambda session: session.get(School, family.child.school_id))
    assert school is not None
    return school


async def test_feature_switches_drive_the_families_modules(gql: GraphQL, tx: Transactions) -> None:
    family, (hot, _) = await funded_family(tx)
    staff = await make_user(tx, await school_of(tx, family), Role.STAFF)
    switched = (await gql.as_(staff.token).data(FEATURES, {"meals": False}))["setSchoolFeatures"]
    assert switched["school"]["features"] == {
        "meals": False,
        "meetings": True,
        "onlineTopUp": True,
    }
    me = gql.as_(family.parent.token)
    assert (await me.data(VIEWER))["viewer"]["school"]["features"]["meals"] is False
    assert error_codes(await reserve(gql, family, hot)) == ["FEATURE_DISABLED"]
    await gql.as_(staff.token).data(FEATURES, {"meals": True})
    assert (await reserve(gql, family, hot))["errors"] == []


@pytest.mark.parametrize("role", ["PARENT", "TEACHER", "DEVICE", "OTHER_SCHOOL"])
async def test_calendar_and_switches_are_refused_to_others(
    gql: GraphQL, tx: Transactions, role: str
) -> None:
    family, (hot, _) = await funded_family(tx)
    school = await school_of(tx, family)
    staff = await make_user(tx, school, Role.STAFF)
    headers: dict[str, str] = {}
    caller = gql
    if role == "DEVICE":
        created = await gql.as_(staff.token).data(
            'mutation { createDevice(name: "C", kind: "canteen") { key } }'
        )
        headers = {"authorization": f"Device {created['createDevice']['key']}"}
    elif role == "OTHER_SCHOOL":
        caller = gql.as_((await make_user(tx, await make_school(tx), Role.STAFF)).token)
    else:
        caller = gql.as_((await make_user(tx, school, Role(role))).token)
    close = await caller.execute(CLOSE, {"f": THURSDAY, "t": THURSDAY, "title": "Grève"}, **headers)
    switch = await caller.execute(FEATURES, {"meals": False}, **headers)
    if role == "DEVICE":
        assert close["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert switch["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    elif role != "OTHER_SCHOOL":
        assert error_codes(close["data"]["closeSchoolDays"]) == ["FORBIDDEN"]
        assert error_codes(switch["data"]["setSchoolFeatures"]) == ["FORBIDDEN"]
    # Whoever asked, this school's meals are still on and Thursday still bookable.
    assert (await reserve(gql, family, hot))["errors"] == []


MOVE = """mutation($moves: [ClassMoveInput!]!) { moveClasses(moves: $moves) {
  moved errors { code field } } }"""
CLASSES = "{ schoolClasses { name childCount } }"


async def test_classes_move_up_at_once_and_leave_wallets_alone(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    families = [await make_family(tx, school) for _ in range(3)]
    for family, class_name in zip(families, ["1A", "2A", "6A"], strict=True):
        await set_class(tx, family.child, class_name)
    await fund(tx, (await wallets_of(tx, families[0].child))[0].id, 700)
    moves = [{"from": "1A", "to": "2A"}, {"from": "2A", "to": "3A"}]
    as_staff = gql.as_(staff.token)
    assert (await as_staff.data(MOVE, {"moves": moves}))["moveClasses"] == {
        "moved": 2,
        "errors": [],
    }
    assert (await as_staff.data(CLASSES))["schoolClasses"] == [
        {"name": "2A", "childCount": 1},
        {"name": "3A", "childCount": 1},
        {"name": "6A", "childCount": 1},
    ]
    assert (await wallets_of(tx, families[0].child))[0].balance_cents == 700
    contradictory = [{"from": "1A", "to": "2A"}, {"from": "1A", "to": "2B"}]
    refused = (await as_staff.data(MOVE, {"moves": contradictory}))["moveClasses"]
    assert error_codes(refused) == ["INVALID_INPUT"]
    by_parent = await gql.as_(families[0].parent.token).data(MOVE, {"moves": moves})
    assert error_codes(by_parent["moveClasses"]) == ["FORBIDDEN"]
    teacher = await make_user(tx, school, Role.TEACHER)
    by_teacher = await gql.as_(teacher.token).data(MOVE, {"moves": moves})
    assert error_codes(by_teacher["moveClasses"]) == ["FORBIDDEN"]
    outsider = await make_user(tx, await make_school(tx), Role.STAFF)
    assert (await gql.as_(outsider.token).data(MOVE, {"moves": moves}))["moveClasses"]["moved"] == 0
    assert (await as_staff.data(CLASSES))["schoolClasses"][0] == {"name": "2A", "childCount": 1}
