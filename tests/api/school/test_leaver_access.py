"""A leaver: its guardians read its history for the days the school sets, then it is NOT_FOUND
to them; once settled, its wallets are closed to every debit and credit."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from models.accounts import Role
from models.family import Child
from models.topups import TopUp, TopUpStatus
from schema.ids import db_id_of
from services.accounts.sessions import open_session
from services.common.errors import DomainError
from services.documents.links import download_url
from services.documents.publishing import Audience
from services.school.leaving import came_back, mark_left
from services.sql.uow import Transactions, UnitOfWork
from services.wallets.sales import SaleLine, record_sale
from settings import Settings
from tests.api.accounts.test_accounts import gid
from tests.api.documents.helpers import documents_of, download, nodes
from tests.api.invoices.support import issue, publish
from tests.api.wallets.queries import OPERATIONS, START_TOP_UP, TRANSFER
from tests.factories import (
    Person,
    fund,
    make_child,
    make_device,
    make_document,
    make_family,
    make_meal_menu,
    make_meeting,
    make_school,
    make_user,
    wallets_of,
)
from tests.services.photos.support import make_campaign
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes
from tests.support.ledger import assert_ledger_balanced

MARK = """mutation($c: ID!) { markLeaver(childId: $c) { child { id leftAt } errors { code } } }"""
DAYS = """mutation($d: Int!) { setLeaverAccessDays(days: $d) {
  school { leaverAccessDays } errors { code field } } }"""
SETTLE = """mutation($c: ID!, $k: String!, $iban: String, $s: ID) {
  settleLeaver(childId: $c, idempotencyKey: $k, iban: $iban, siblingId: $s) {
    movedCents errors { code field } } }"""
CHILDREN = "{ viewer { children { id leftAt } } }"
CHILD = "query($id: ID!) { viewer { child(id: $id) { id firstName } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
ADJUST = """mutation($w: ID!, $c: Int!, $k: String!) {
  adjustWallet(walletId: $w, amountCents: $c, reason: "Correction", idempotencyKey: $k) {
    errors { code field } } }"""


async def fresh_token(tx: Transactions, person: Person) -> str:
    """A new session (the clock moved past the test's first ones)."""
    return await tx.run(lambda uow: open_session(uow, person.user))


async def test_guardians_read_a_leavers_history_for_the_schools_period_then_lose_it(
    gql: GraphQL, http: httpx.AsyncClient, tx: Transactions, clock: FakeClock, settings: Settings
) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school, children=2)
    leaver, sibling = family.children
    meals, _ = await wallets_of(tx, leaver)
    await fund(tx, meals.id, 800)
    letter = await make_document(tx, school, Audience.child(leaver.id or 0))
    as_staff = gql.as_(staff.token)
    child_id = gid("Child", leaver.id)
    days = (await as_staff.data(DAYS, {"d": 30}))["setLeaverAccessDays"]
    assert days == {"school": {"leaverAccessDays": 30}, "errors": []}
    marked = (await as_staff.data(MARK, {"c": child_id}))["markLeaver"]
    assert marked["errors"] == [] and marked["child"]["leftAt"] == clock().isoformat()

    async def sees(token: str) -> dict[str, object]:
        parent = gql.as_(token)
        found = (await parent.data(CHILD, {"id": child_id}))["viewer"]["child"]
        listed = [c["id"] for c in (await parent.data(CHILDREN))["viewer"]["children"]]
        operations = (await parent.data(OPERATIONS, {"id": child_id}))["viewer"]["child"]
        document = (await parent.data(NODE, {"id": gid("Document", letter.id)}))["node"]
        return {
            "child": found is not None,
            "listed": child_id in listed,
            "sibling": gid("Child", sibling.id) in listed,
            "operations": operations is not None,
            "document": document is not None,
        }

    everything = {
        "child": True,
        "listed": True,
        "sibling": True,
        "operations": True,
        "document": True,
    }
    assert await sees(family.parent.token) == everything
    [seen] = nodes(await documents_of(gql.as_(family.parent.token), child_id))
    assert seen["id"] == gid("Document", letter.id)

    clock.advance(days=29, hours=23)
    token = await fresh_token(tx, family.parent)
    assert await sees(token) == everything

    clock.advance(hours=2)  # 30 days and an hour after leaving
    token = await fresh_token(tx, family.parent)
    nothing = {
        "child": False,
        "listed": False,
        "sibling": True,
        "operations": False,
        "document": False,
    }
    assert await sees(token) == nothing
    # A link made just now (as if handed out a minute before the end) no longer serves it.
    link = download_url(settings, letter.id or 0, family.parent.id, clock())
    assert (await download(http, link)).status_code == 404
    # Staff still reach it; a longer period applies to current leavers at once.
    staff_token = await fresh_token(tx, staff)
    as_staff = gql.as_(staff_token)
    assert (await as_staff.data(CHILD, {"id": child_id}))["viewer"]["child"]["id"] == child_id
    assert (await as_staff.data(NODE, {"id": child_id}))["node"] == {"id": child_id}
    longer = (await gql.as_(staff_token).data(DAYS, {"d": 60}))["setLeaverAccessDays"]
    assert longer["errors"] == []
    assert await sees(token) == everything
    refused = (await gql.as_(staff_token).data(DAYS, {"d": -1}))["setLeaverAccessDays"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID_INPUT", "days")]
    by_parent = (await gql.as_(token).data(DAYS, {"d": 1}))["setLeaverAccessDays"]
    assert error_codes(by_parent) == ["FORBIDDEN"]
    by_parent = (await gql.as_(token).data(MARK, {"c": gid("Child", sibling.id)}))["markLeaver"]
    assert error_codes(by_parent) == ["FORBIDDEN"]


async def test_a_settled_leavers_wallets_are_closed(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    meals, activities = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 1000)
    await fund(tx, activities.id, 250)
    as_staff, as_parent = gql.as_(staff.token), gql.as_(family.parent.token)
    child_id = gid("Child", family.child.id)
    # A payment started before leaving, still open, would land on a closed wallet: settling
    # waits for it.
    started = await as_parent.data(
        START_TOP_UP, {"wallet": gid("Wallet", meals.id), "cents": 1000, "key": "open"}
    )
    assert started["startOnlineTopUp"]["errors"] == []
    assert (await as_staff.data(MARK, {"c": child_id}))["markLeaver"]["errors"] == []
    waiting = await as_staff.data(
        SETTLE, {"c": child_id, "k": "early", "iban": "BE71 0961 2345 6769"}
    )
    assert [(e["code"], e["field"]) for e in waiting["settleLeaver"]["errors"]] == [
        ("INVALID_INPUT", "childId")
    ]
    expire = (
        update(TopUp).where(col(TopUp.wallet_id) == meals.id).values(status=TopUpStatus.EXPIRED)
    )
    await tx.run(lambda uow: uow.session.execute(expire))
    settled = await as_staff.data(
        SETTLE, {"c": child_id, "k": "refund", "iban": "BE71 0961 2345 6769"}
    )
    assert settled["settleLeaver"] == {"movedCents": 1250, "errors": []}

    # The refund is an operation of the wallet, to the IBAN given, as the family sees it.
    operations = (await as_parent.data(OPERATIONS, {"id": child_id}))["viewer"]["child"]
    latest = [e["node"] for e in operations["operations"]["edges"]][:2]
    assert {(o["amount"]["cents"], o["method"]) for o in latest} == {
        (-1000, "BANK_TRANSFER"),
        (-250, "BANK_TRANSFER"),
    }
    assert all("BE71 0961 2345 6769" in o["label"] for o in latest)
    credit = await as_staff.data(ADJUST, {"w": gid("Wallet", meals.id), "c": 500, "k": "a"})
    assert [(e["code"], e["field"]) for e in credit["adjustWallet"]["errors"]] == [
        ("WALLET_CLOSED", "walletId")
    ]
    moved = await as_parent.data(
        TRANSFER,
        {
            "from": gid("Wallet", meals.id),
            "to": gid("Wallet", activities.id),
            "cents": 100,
            "key": "t",
        },
    )
    # A leaver is read-only to its family (CHILD_LEFT comes first); staff get WALLET_CLOSED.
    assert error_codes(moved["transferBetweenWallets"]) == ["CHILD_LEFT"]
    top_up = await as_parent.data(
        START_TOP_UP, {"wallet": gid("Wallet", meals.id), "cents": 1000, "key": "top"}
    )
    assert error_codes(top_up["startOnlineTopUp"]) == ["CHILD_LEFT"]
    device = await make_device(tx, school)
    with pytest.raises(DomainError) as sold:
        await tx.run(
            lambda uow: record_sale(
                uow,
                device,
                child_id=family.child.id or 0,
                wallet_id=meals.id,
                lines=[SaleLine("Pomme", 1, 50)],
                idempotency_key="s",
            )
        )
    assert sold.value.code.value == "WALLET_CLOSED"
    # A sibling's wallet that is closed cannot receive a leaver's money either.
    second = await make_child(tx, school, family.parent)
    assert (await as_staff.data(MARK, {"c": gid("Child", second.id)}))["markLeaver"]["errors"] == []
    second_meals, _ = await wallets_of(tx, second)
    await fund(tx, second_meals.id, 100)
    to_closed = await as_staff.data(
        SETTLE, {"c": gid("Child", second.id), "k": "to-closed", "s": child_id}
    )
    assert error_codes(to_closed["settleLeaver"]) == ["INVALID_INPUT"]  # a leaver is no target
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [0, 0]
    await assert_ledger_balanced(tx)


async def test_leaving_sets_the_access_end_and_coming_back_clears_it(tx: Transactions) -> None:
    school = await make_school(tx, leaver_access_days=10)
    family = await make_family(tx, school)

    async def leave(uow: UnitOfWork) -> Child:
        row = await uow.session.get(Child, family.child.id)
        assert row is not None
        await mark_left(uow, school, [row])
        return row

    left = await tx.run(leave)
    assert left.left_at is not None
    assert left.guardians_until == left.left_at + timedelta(days=10)

    async def back(uow: UnitOfWork) -> Child:
        row = await uow.session.get(Child, family.child.id)
        assert row is not None
        await came_back(uow, [row])
        return row

    returned = await tx.run(back)
    assert (returned.left_at, returned.guardians_until) == (None, None)


RESERVE = """mutation($c: ID!, $d: Date!, $a: ID!, $k: String!) {
  reserveMeal(childId: $c, date: $d, articleId: $a, idempotencyKey: $k) { errors { code field } } }"""
BOOK = """mutation($c: ID!, $s: ID!) { bookAppointment(childId: $c, slotId: $s) {
  errors { code field } } }"""
ANNOUNCE = """mutation($w: ID!, $k: String!) {
  announceBankTransfer(walletId: $w, amountCents: 2000, idempotencyKey: $k) { errors { code } } }"""
ORDER = """mutation($c: ID!, $p: ID!, $l: [PhotoOrderLineInput!]!, $k: String!) {
  orderPhotos(childId: $c, campaignId: $p, lines: $l, idempotencyKey: $k) { errors { code } } }"""
PAY = """mutation($i: ID!, $w: ID!, $k: String!) {
  payInvoiceFromWallet(invoiceId: $i, walletId: $w, idempotencyKey: $k) {
    invoice { status } wallet { balance { cents } } errors { code } } }"""


async def test_a_leaver_is_read_only_to_its_family_but_its_invoices_are_paid(
    gql: GraphQL, tx: Transactions, clock: FakeClock
) -> None:
    school = await make_school(tx, feature_photos=True, feature_pay_invoice_from_wallet=True)
    staff_person = await make_user(tx, school, Role.STAFF)
    staff = gql.as_(staff_person.token)
    family = await make_family(tx, school, children=2, locale="fr")
    leaver, sibling = family.children
    meals, activities = await wallets_of(tx, leaver)
    await fund(tx, meals.id, 3_000)
    sibling_meals, sibling_activities = await wallets_of(tx, sibling)
    await fund(tx, sibling_meals.id, 500)
    day = clock().date() + timedelta(days=7)
    monday = day - timedelta(days=day.weekday())  # a school day, at least a day ahead
    [hot] = await make_meal_menu(tx, school, [monday])
    meeting = await make_meeting(tx, school)
    campaign = await make_campaign(tx, staff_person, until=day)
    invoice = await issue(
        staff, gid("Child", leaver.id), "Excursion", 1200, "2026-10-20", "2026-11-20"
    )
    await publish(tx, school, leaver, db_id_of(str(invoice["id"]), "Invoice") or 0)
    child_id = gid("Child", leaver.id)
    assert (await staff.data(MARK, {"c": child_id}))["markLeaver"]["errors"] == []

    parent = gql.as_(family.parent.token)
    meals_id, activities_id = gid("Wallet", meals.id), gid("Wallet", activities.id)
    answers = {
        "reserveMeal": await parent.data(
            RESERVE,
            {"c": child_id, "d": monday.isoformat(), "a": gid("MealArticle", hot.id), "k": "m"},
        ),
        "bookAppointment": await parent.data(
            BOOK, {"c": child_id, "s": gid("Slot", meeting.slot(0, 0).id)}
        ),
        "startOnlineTopUp": await parent.data(
            START_TOP_UP, {"wallet": meals_id, "cents": 1000, "key": "top"}
        ),
        "announceBankTransfer": await parent.data(ANNOUNCE, {"w": meals_id, "k": "a"}),
        "transferBetweenWallets": await parent.data(
            TRANSFER, {"from": meals_id, "to": activities_id, "cents": 100, "key": "t"}
        ),
        "orderPhotos": await parent.data(
            ORDER,
            {
                "c": child_id,
                "p": gid("PhotoCampaign", campaign.id),
                "l": [{"articleId": gid("PhotoArticle", campaign.articles[0].id), "quantity": 1}],
                "k": "o",
            },
        ),
    }
    codes = {name: error_codes(data[name]) for name, data in answers.items()}
    assert codes == {name: ["CHILD_LEFT"] for name in answers}
    [moved] = answers["transferBetweenWallets"]["transferBetweenWallets"]["errors"]
    assert moved["message"].startswith("Cet enfant a quitté l'école")
    assert [w.balance_cents for w in await wallets_of(tx, leaver)] == [3_000, 0]

    # What the leaver owes the school is still paid from its wallet.
    paid = await parent.data(PAY, {"i": invoice["id"], "w": meals_id, "k": "pay"})
    assert paid["payInvoiceFromWallet"] == {
        "invoice": {"status": "PAID"},
        "wallet": {"balance": {"cents": 1_800}},
        "errors": [],
    }
    # The sibling who stays is not concerned; staff still act for the leaver.
    sibling_moved = await parent.data(
        TRANSFER,
        {
            "from": gid("Wallet", sibling_meals.id),
            "to": gid("Wallet", sibling_activities.id),
            "cents": 100,
            "key": "s",
        },
    )
    assert sibling_moved["transferBetweenWallets"]["errors"] == []
    adjusted = await staff.data(ADJUST, {"w": meals_id, "c": -300, "k": "adj"})
    assert adjusted["adjustWallet"]["errors"] == []
    assert [w.balance_cents for w in await wallets_of(tx, leaver)] == [1_500, 0]
