"""Child.dashboard through the API: what each list holds and in which order, modules, limits,
meetings as events, and nothing of another family."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.accounts import Role
from models.family import Child, School
from models.ledger import OperationType, SchoolAccount
from services.documents import access as document_access
from services.documents.publishing import Audience
from services.sql.uow import Transactions
from services.wallets import ledger
from tests.api.dashboard.queries import LIMITED, ONE_CHILD
from tests.factories import (
    Family,
    actor_for,
    fund,
    gid,
    make_device,
    make_document,
    make_event,
    make_family,
    make_meeting,
    make_sale,
    make_school,
    make_user,
    pk,
    set_class,
    wallets_of,
)
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL

# Monday 2 November 2026, 09:00 in Brussels.
NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ALL_MODULES = ["balances", "operations", "sales", "documents", "events", "meals", "meetings"]


async def dashboard_of(gql: GraphQL, family: Family, child: Child | None = None) -> Any:
    child = child or family.child
    data = await gql.as_(family.parent.token).data(ONE_CHILD, {"id": gid("Child", child.id)})
    return data["viewer"]["child"]["dashboard"]


async def at(clock: FakeClock, moment: datetime, work: Any) -> Any:
    clock.set(moment)
    try:
        return await work
    finally:
        clock.set(NOW)


async def meal(tx: Transactions, wallet_id: int, cents: int) -> None:
    await tx.run(
        lambda uow: ledger.debit_wallet(
            uow,
            wallet_id=wallet_id,
            amount_cents=cents,
            to=SchoolAccount.MEAL_REVENUE,
            type=OperationType.MEAL,
            label=f"Repas {cents}",
        )
    )


@dataclass
class Scene:
    school: School
    family: Family
    other: Family
    meeting_id: int


async def scene(tx: Transactions, clock: FakeClock) -> Scene:
    """One family and another in the same school and class, each with money, documents, and
    the school's events and meetings around them."""
    clock.set(NOW)
    school = await make_school(tx)
    family, other = await make_family(tx, school), await make_family(tx, school)
    await set_class(tx, (await make_family(tx, school)).child, "2B")
    canteen = await make_device(tx, school, "Cantine", "canteen")
    shop = await make_device(tx, school, "Boutique", "shop")
    meals, activities = await wallets_of(tx, family.child)
    await at(clock, NOW - timedelta(days=10), fund(tx, meals.id, 100))
    await at(clock, NOW - timedelta(days=3), fund(tx, meals.id, 2000))
    await at(clock, NOW - timedelta(days=2), fund(tx, activities.id, 500))
    await at(clock, NOW - timedelta(days=1), meal(tx, meals.id, 420))
    await at(
        clock,
        NOW - timedelta(hours=1),
        make_sale(tx, canteen, family.child, meals.id, ("Potage", 2, 150), ("Pain", 1, 80)),
    )
    await at(
        clock,
        NOW - timedelta(minutes=30),
        make_sale(tx, shop, family.child, activities.id, ("Cahier", 1, 250)),
    )
    # The other family's money moves later than anything of ours.
    other_meals, _ = await wallets_of(tx, other.child)
    await fund(tx, other_meals.id, 900)
    await make_sale(tx, shop, other.child, other_meals.id, ("Gomme", 1, 90))

    rules = await make_document(
        tx, school, Audience.whole_school(), title="Règlement", day=date(2026, 10, 1)
    )
    await make_document(
        tx, school, Audience.school_class("1A"), title="Sortie", day=date(2026, 10, 20)
    )
    await make_document(
        tx, school, Audience.school_class("2B"), title="Classe 2B", day=date(2026, 10, 25)
    )
    await make_document(
        tx, school, Audience(child_id=family.child.id), title="Bulletin", day=date(2026, 10, 30)
    )
    await make_document(
        tx, school, Audience(child_id=other.child.id), title="Autre", day=date(2026, 11, 1)
    )
    parent = actor_for(family.parent)
    await tx.run(lambda uow: document_access.mark_read(uow, parent, pk(rules)))

    await make_event(tx, school, NOW - timedelta(days=1), title="Hier")
    await make_event(
        tx, school, NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=1), title="En cours"
    )
    await make_event(tx, school, NOW + timedelta(days=1), title="Journée sportive")
    await make_event(tx, school, NOW + timedelta(days=2), class_name="2B", kind="trip")
    await make_event(tx, school, NOW + timedelta(days=5), title="Congé", kind="holiday")
    meeting = await make_meeting(tx, school, days_ahead=3)
    await make_meeting(tx, school, days_ahead=4, class_names=("2B",))
    return Scene(school, family, other, meeting.id)


async def test_each_list_holds_the_childs_own_items_in_order(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    seen = await scene(tx, clock)
    meals, activities = await wallets_of(tx, seen.family.child)

    dashboard = await dashboard_of(gql, seen.family)

    assert dashboard["modules"] == ALL_MODULES
    assert [(w["id"], w["name"], w["balance"]) for w in dashboard["wallets"]] == [
        (gid("Wallet", meals.id), "Repas", {"cents": 1300, "currency": "EUR"}),
        (gid("Wallet", activities.id), "Activités", {"cents": 250, "currency": "EUR"}),
    ]
    assert dashboard["wallets"][0]["structuredCommunication"].startswith("+++")

    # Not over yet, soonest first; the meeting is an event of its own kind.
    events = dashboard["upcomingEvents"]
    assert [(e["title"], e["kind"]) for e in events] == [
        ("En cours", "activity"),
        ("Journée sportive", "activity"),
        (events[2]["meeting"]["title"], "meeting"),
        ("Congé", "holiday"),
    ]
    assert events[0]["meeting"] is None and events[0]["endsAt"] == "2026-11-02T09:00:00+00:00"
    meeting = events[2]
    # 17:00-18:00 in Brussels on Thursday 5 November.
    assert (meeting["startsAt"], meeting["endsAt"]) == (
        "2026-11-05T16:00:00+00:00",
        "2026-11-05T17:00:00+00:00",
    )
    assert meeting["meeting"]["id"] == gid("Meeting", seen.meeting_id)
    assert meeting["meeting"]["startsAt"] == meeting["startsAt"]
    assert len(meeting["meeting"]["teachers"]) == 2

    # Unread only, newest first: neither the read rules, nor 2B's, nor the other child's.
    documents = dashboard["unreadDocuments"]
    assert [(d["title"], d["date"], d["read"]) for d in documents] == [
        ("Bulletin", "2026-10-30", False),
        ("Sortie", "2026-10-20", False),
    ]
    assert all("sig=" in d["downloadUrl"] for d in documents)

    # The latest five movements, newest first, each with its wallet.
    operations = [
        (o["type"], o["method"], o["amount"]["cents"], o["balanceAfter"]["cents"], o["wallet"])
        for o in dashboard["recentOperations"]
    ]
    repas = {"id": gid("Wallet", meals.id), "name": "Repas"}
    activites = {"id": gid("Wallet", activities.id), "name": "Activités"}
    assert operations == [
        ("PURCHASE", "POS", -250, 250, activites),
        ("PURCHASE", "POS", -380, 1300, repas),
        ("MEAL", "WALLET", -420, 1680, repas),
        ("TOP_UP", "BANK_TRANSFER", 500, 500, activites),
        ("TOP_UP", "BANK_TRANSFER", 2000, 2100, repas),
    ]
    assert dashboard["recentOperations"][0]["at"] == "2026-11-02T07:30:00+00:00"

    # Sale lines, newest first (the lines of one purchase: the last one first).
    sales = [
        (s["article"], s["quantity"], s["amount"]["cents"], s["device"]["name"], s["wallet"])
        for s in dashboard["recentSales"]
    ]
    assert sales == [
        ("Cahier", 1, 250, "Boutique", activites),
        ("Pain", 1, 80, "Cantine", repas),
        ("Potage", 2, 300, "Cantine", repas),
    ]
    assert dashboard["recentSales"][1]["device"]["kind"] == "canteen"


async def test_limits_are_respected_and_checked(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    seen = await scene(tx, clock)
    as_parent = gql.as_(seen.family.parent.token)
    child = {"id": gid("Child", seen.family.child.id)}

    two = (await as_parent.data(LIMITED, {**child, "n": 2}))["viewer"]["child"]["dashboard"]
    assert two == {
        "upcomingEvents": [{"title": "En cours"}, {"title": "Journée sportive"}],
        "unreadDocuments": [{"title": "Bulletin"}, {"title": "Sortie"}],
        "recentOperations": [
            {"label": "Boutique : Cahier"},
            {"label": "Cantine : Potage ×2, Pain"},
        ],
        "recentSales": [{"article": "Cahier"}, {"article": "Pain"}],
    }
    none = (await as_parent.data(LIMITED, {**child, "n": 0}))["viewer"]["child"]["dashboard"]
    assert none == {
        "upcomingEvents": [],
        "unreadDocuments": [],
        "recentOperations": [],
        "recentSales": [],
    }
    many = (await as_parent.data(LIMITED, {**child, "n": 50}))["viewer"]["child"]["dashboard"]
    assert [len(many[name]) for name in many] == [4, 2, 6, 3]

    # Beyond the bounds (50; 100 for documents, as for Child.unreadDocuments): refused.
    for field, bad in (
        ("upcomingEvents", 51),
        ("recentOperations", 51),
        ("recentSales", 51),
        ("unreadDocuments", 101),
        ("recentSales", -1),
    ):
        query = (
            "query($id: ID!, $n: Int) { viewer { child(id: $id) { dashboard { "
            + field
            + "(limit: $n) { __typename } } } } }"
        )
        body = await as_parent.execute(query, {**child, "n": bad})
        assert body["data"] == {"viewer": {"child": None}}
        [error] = body["errors"]
        assert (error["extensions"], error["path"][-1]) == (
            {"code": "INVALID_INPUT", "argument": "limit"},
            field,
        )


async def test_another_familys_child_and_data_stay_out_of_reach(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    seen = await scene(tx, clock)
    mine = gid("Child", seen.family.child.id)
    as_other = gql.as_(seen.other.parent.token)

    assert await as_other.data(ONE_CHILD, {"id": mine}) == {"viewer": {"child": None}}
    peek = await as_other.data(
        "query($id: ID!) { node(id: $id) { ... on Child { dashboard { modules } } } }",
        {"id": mine},
    )
    assert peek == {"node": None}

    theirs = await dashboard_of(gql, seen.other)
    other_meals, _ = await wallets_of(tx, seen.other.child)
    assert [d["title"] for d in theirs["unreadDocuments"]] == ["Autre", "Sortie", "Règlement"]
    assert [o["amount"]["cents"] for o in theirs["recentOperations"]] == [-90, 900]
    assert {o["wallet"]["id"] for o in theirs["recentOperations"]} == {
        gid("Wallet", other_meals.id)
    }
    assert [s["article"] for s in theirs["recentSales"]] == ["Gomme"]


async def test_modules_and_meetings_follow_the_schools_switches(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    clock.set(NOW)
    school = await make_school(tx, feature_meals=False, feature_meetings=False, feature_photos=True)
    family = await make_family(tx, school)
    await make_meeting(tx, school, days_ahead=1)
    await make_event(tx, school, NOW + timedelta(days=2), title="Fête")

    switched_off = await dashboard_of(gql, family)
    assert switched_off["modules"] == [
        "balances", "operations", "sales", "documents", "events", "photos",
    ]  # fmt: skip
    assert [e["title"] for e in switched_off["upcomingEvents"]] == ["Fête"]

    async def switch_on(uow: Any) -> None:
        row = await uow.session.get(School, school.id)
        row.feature_meetings, row.feature_photos = True, False
        uow.session.add(row)

    await tx.run(switch_on)
    switched_on = await dashboard_of(gql, family)
    assert switched_on["modules"] == [
        "balances", "operations", "sales", "documents", "events", "meetings",
    ]  # fmt: skip
    assert [e["kind"] for e in switched_on["upcomingEvents"]] == ["meeting", "activity"]


CREATE_MEETING = """
mutation($title: String!, $classes: [String!]) {
  createMeeting(title: $title, date: "2026-11-05", startTime: "16:00", endTime: "19:00",
                bookingOpensAt: "2026-11-02T08:00:00+00:00",
                bookingClosesAt: "2026-11-04T12:00:00+00:00", slotMinutes: 15,
                classNames: $classes) {
    meeting { id } errors { code }
  }
}"""


async def test_a_meeting_staff_create_is_an_event_for_the_classes_it_is_for(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    clock.set(NOW)
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    in_1a, in_2b = await make_family(tx, school), await make_family(tx, school)
    await set_class(tx, in_2b.child, "2B")
    assert (await dashboard_of(gql, in_1a))["upcomingEvents"] == []

    for_2b = (await staff.data(CREATE_MEETING, {"title": "Réunion 2B", "classes": ["2B"]}))[
        "createMeeting"
    ]
    for_all = (await staff.data(CREATE_MEETING, {"title": "Réunion générale"}))["createMeeting"]
    assert for_2b["errors"] == for_all["errors"] == []

    def meetings(dashboard: Any) -> list[tuple[str, str, str]]:
        return [
            (e["title"], e["meeting"]["id"], e["startsAt"])
            for e in dashboard["upcomingEvents"]
            if e["kind"] == "meeting"
        ]

    # 16:00 in Brussels, 5 November: 15:00 UTC; the two meetings start together.
    assert meetings(await dashboard_of(gql, in_1a)) == [
        ("Réunion générale", for_all["meeting"]["id"], "2026-11-05T15:00:00+00:00"),
    ]
    assert meetings(await dashboard_of(gql, in_2b)) == [
        ("Réunion 2B", for_2b["meeting"]["id"], "2026-11-05T15:00:00+00:00"),
        ("Réunion générale", for_all["meeting"]["id"], "2026-11-05T15:00:00+00:00"),
    ]

    # Once it is over, it is no longer coming.
    clock.set(datetime(2026, 11, 5, 18, 0, tzinfo=UTC))
    assert meetings(await dashboard_of(gql, in_2b)) == []
    clock.set(NOW)
