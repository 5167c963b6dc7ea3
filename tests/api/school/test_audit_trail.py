"""The audit trail: every staff (and device) mutation of the schema, found by introspection,
writes an entry in its own transaction; money moved by anyone but the family is recorded with
the balances before and after; nobody can change or delete an entry, not even with SQL."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from models.accounts import Role
from models.db import Database
from models.family import Child
from schema.ids import db_id_of
from services.demo.statement_files import Movement, camt053_file, statement
from services.sql.uow import Transactions
from tests.api.banking.test_bank_statements_api import upload
from tests.factories import fund, gid, make_school, make_user, unique
from tests.services.banking.helpers import digits, setting
from tests.support.graphql import GraphQL

# What a parent (or anyone, before signing in) does for themself: not staff actions. Their money
# moved by others is recorded all the same (see the money test below).
FAMILY_MUTATIONS = {
    "activateAccount", "login", "logout", "requestPasswordReset", "changePassword",
    "setLocale", "endSession", "markDocumentRead", "startOnlineTopUp", "transferBetweenWallets",
    "bookAppointment", "moveAppointment", "cancelAppointment", "reserveMeal",
    "cancelMealReservation", "announceBankTransfer", "setLowBalanceAlert", "orderPhotos",
    "cancelPhotoOrder", "setMailPreference",
    "setWeeklySummary",
    "completeLogin", "startTotpEnrolment",
    "confirmTotpEnrolment", "disableTotp",
    "payInvoiceFromWallet", "startInvoicePayment",
    "requestDataExport",
}  # fmt: skip

TRAIL = """query($child: ID, $user: ID) { auditTrail(childId: $child, userId: $user, first: 200) {
  action role userId deviceId childId address details } }"""


async def mutation_names(gql: GraphQL) -> set[str]:
    data = await gql.data("{ __schema { mutationType { fields { name } } } }")
    return {field["name"] for field in data["__schema"]["mutationType"]["fields"]}


async def ok(client: GraphQL, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = await client.data(document, variables)
    [payload] = data.values()
    assert payload.get("errors", []) == [], payload
    result: dict[str, Any] = payload
    return result


async def test_every_staff_mutation_writes_an_entry(
    gql: GraphQL, http: httpx.AsyncClient, tx: Transactions
) -> None:
    s = await setting(tx, families=1)
    staff = gql.as_(s.staff.token)
    child, meals = s.families[0].child, s.wallets[0][0]
    child_gid, wallet_gid = gid("Child", child.id), gid("Wallet", meals.id)
    await fund(tx, meals.id, 5_000)
    soon = (tx.now() + timedelta(days=20)).date()
    soon += timedelta(days=(7 - soon.weekday()) % 7 + 1)  # a Tuesday
    calls: list[tuple[str, dict[str, Any]]] = []

    async def act(name: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        calls.append((name, variables))
        return await ok(staff, document, variables)

    created = await act(
        "createChild",
        'mutation($f: String!) { createChild(firstName: $f, lastName: "Audit", className: "P1") { child { id } errors { code } } }',
        {"f": unique("Zoé")},
    )
    new_child = created["child"]["id"]
    await act(
        "inviteParent",
        'mutation($u: String!, $c: [ID!]!) { inviteParent(username: $u, email: "audit@example.org", displayName: "A", childIds: $c, locale: "nl") { errors { code } } }',
        {"u": unique("audit."), "c": [child_gid]},
    )
    await act(
        "createEvent",
        'mutation($at: DateTime!) { createEvent(title: "Sortie", kind: "trip", startsAt: $at) { errors { code } } }',
        {"at": (tx.now() + timedelta(days=3)).isoformat()},
    )
    await act(
        "adjustWallet",
        'mutation($w: ID!, $k: String!) { adjustWallet(walletId: $w, amountCents: -700, reason: "Erreur de caisse", idempotencyKey: $k) { errors { code } } }',
        {"w": wallet_gid, "k": unique("adj")},
    )
    await act(
        "updateWalletSettings",
        "mutation { updateWalletSettings(topUpMinCents: 600) { errors { code } } }",
        {},
    )
    await act(
        "setSchoolBankAccount",
        'mutation { setSchoolBankAccount(iban: "BE71 0961 2345 6769", holder: "École") { errors { code } } }',
        {},
    )
    device = await act(
        "createDevice",
        'mutation { createDevice(name: "Caisse", kind: "canteen") { device { id } key errors { code } } }',
        {},
    )
    till = GraphQL(http, None)
    sold = await till.data(
        'mutation($c: ID!, $w: ID!, $k: String!) { recordSale(childId: $c, walletId: $w, lines: [{article: "Pomme", quantity: 2, unitPriceCents: 60}], idempotencyKey: $k) { sales { id } errors { code } } }',
        {"c": child_gid, "w": wallet_gid, "k": unique("sale")},
        authorization=f"Device {device['key']}",
    )
    calls.append(("recordSale", {}))
    await act(
        "refundSale",
        "mutation($s: ID!, $k: String!) { refundSale(saleId: $s, idempotencyKey: $k) { errors { code } } }",
        {"s": sold["recordSale"]["sales"][0]["id"], "k": unique("refund")},
    )
    await act(
        "revokeDevice",
        "mutation($d: ID!) { revokeDevice(deviceId: $d) { errors { code } } }",
        {"d": device["device"]["id"]},
    )
    article = await act(
        "createMealArticle",
        'mutation { createMealArticle(name: "Potage", priceCents: 150) { article { id } errors { code } } }',
        {},
    )
    article_id = article["article"]["id"]
    await act(
        "updateMealArticle",
        "mutation($a: ID!) { updateMealArticle(id: $a, priceCents: 160) { errors { code } } }",
        {"a": article_id},
    )
    await act(
        "setMealMonth",
        "mutation($m: String!, $d: [MealDayInput!]!) { setMealMonth(month: $m, days: $d) { errors { code } } }",
        {
            "m": soon.strftime("%Y-%m"),
            "d": [{"date": soon.isoformat(), "articleIds": [article_id]}],
        },
    )
    await act(
        "setMealRule",
        'mutation { setMealRule(cutoffDaysBefore: 1, cutoffTime: "10:00", horizonDays: 60) { errors { code } } }',
        {},
    )
    await act(
        "closeMealDay",
        'mutation($d: Date!) { closeMealDay(date: $d, reason: "Grève") { errors { code } } }',
        {"d": soon.isoformat()},
    )
    await act(
        "setChildAllergens",
        "mutation($c: ID!) { setChildAllergens(childId: $c, allergens: [GLUTEN]) { errors { code } } }",
        {"c": child_gid},
    )
    await act(
        "recordBankTransfer",
        "mutation($c: String!, $r: String!, $d: Date!) { recordBankTransfer(communication: $c, amountCents: 2500, bankReference: $r, valueDate: $d) { errors { code } } }",
        {"c": digits(meals), "r": unique("ref"), "d": tx.now().date().isoformat()},
    )
    meeting = await act(
        "createMeeting",
        'mutation($d: Date!, $o: DateTime!, $c: DateTime!) { createMeeting(title: "Bulletins", date: $d, startTime: "17:00", endTime: "17:30", bookingOpensAt: $o, bookingClosesAt: $c, slotMinutes: 10) { meeting { id } errors { code } } }',
        {
            "d": soon.isoformat(),
            "o": tx.now().isoformat(),
            "c": (tx.now() + timedelta(days=19)).isoformat(),
        },
    )
    teacher = await act(
        "addMeetingTeacher",
        'mutation($m: ID!) { addMeetingTeacher(meetingId: $m, displayName: "Mme Lenoir") { slots { id } errors { code } } }',
        {"m": meeting["meeting"]["id"]},
    )
    slot = teacher["slots"][0]["id"]
    await act(
        "blockSlot", "mutation($s: ID!) { blockSlot(slotId: $s) { errors { code } } }", {"s": slot}
    )
    await act(
        "unblockSlot",
        "mutation($s: ID!) { unblockSlot(slotId: $s) { errors { code } } }",
        {"s": slot},
    )

    await act(
        "setSchoolFeatures",
        "mutation { setSchoolFeatures(photos: true) { errors { code } } }",
        {},
    )
    await act(
        "openPhotoCampaign",
        'mutation($d: Date!) { openPhotoCampaign(title: "Photos", orderUntil: $d, articles: [{name: "Portrait", priceCents: 900}]) { errors { code } } }',
        {"d": soon.isoformat()},
    )

    [invited] = (await staff.data('{ guardians(search: "audit@example.org") { id } }'))["guardians"]
    await act(
        "linkGuardian",
        "mutation($g: ID!, $c: ID!) { linkGuardian(guardianId: $g, childId: $c) { errors { code } } }",
        {"g": invited["id"], "c": new_child},
    )
    await act(
        "unlinkGuardian",
        "mutation($g: ID!, $c: ID!) { unlinkGuardian(guardianId: $g, childId: $c) { errors { code } } }",
        {"g": invited["id"], "c": new_child},
    )
    await act(
        "resendInvitation",
        "mutation($g: ID!) { resendInvitation(guardianId: $g) { errors { code } } }",
        {"g": invited["id"]},
    )
    await act(
        "disableAccount",
        "mutation($g: ID!) { disableAccount(guardianId: $g) { errors { code } } }",
        {"g": invited["id"]},
    )
    await act(
        "closeSchoolDays",
        'mutation($f: Date!, $t: Date!) { closeSchoolDays(from: $f, to: $t, title: "Journée pédagogique") { errors { code } } }',
        {"f": (soon + timedelta(days=7)).isoformat(), "t": (soon + timedelta(days=8)).isoformat()},
    )
    await act(
        "moveClasses",
        'mutation { moveClasses(moves: [{from: "P1", to: "P2"}]) { errors { code } } }',
        {},
    )
    left = (
        update(Child).values(left_at=tx.now()).where(col(Child.id) == db_id_of(new_child, "Child"))
    )
    await tx.run(lambda uow: uow.session.execute(left))
    await act(
        "settleLeaver",
        'mutation($c: ID!, $k: String!) { settleLeaver(childId: $c, idempotencyKey: $k, iban: "BE71 0961 2345 6769") { errors { code } } }',
        {"c": new_child, "k": unique("leaver")},
    )

    wrong = digits(meals)[:-1] + str((int(digits(meals)[-1]) + 1) % 10)
    data = camt053_file(
        statement(
            Movement(3100, unique("A"), communication=wrong, counterparty_name="X"),
            Movement(900, unique("B"), free_text="voyage", counterparty_name="Y"),
            number=77,
        )
    )
    assert (await upload(http, s.staff.token, data)).json()["unmatched"] == 2
    lines = (await staff.data("{ unmatchedBankLines { id } }"))["unmatchedBankLines"]
    await act(
        "assignBankLine",
        "mutation($l: ID!, $w: ID!) { assignBankLine(lineId: $l, walletId: $w) { errors { code } } }",
        {"l": lines[0]["id"], "w": wallet_gid},
    )
    await act(
        "returnBankLine",
        'mutation($l: ID!) { returnBankLine(lineId: $l, note: "Inconnu") { errors { code } } }',
        {"l": lines[1]["id"]},
    )
    await act(
        "setTotpRequiredForStaff",
        "mutation { setTotpRequiredForStaff(required: false) { errors { code } } }",
        {},
    )
    invoice = await act(
        "issueInvoice",
        'mutation($c: ID!, $on: Date!) { issueInvoice(childId: $c, title: "Piscine", lines: [{label: "Entrée", quantity: 2, unitPriceCents: 350}], issuedOn: $on, dueOn: $on) { invoice { id } errors { code } } }',
        {"c": child_gid, "on": tx.now().date().isoformat()},
    )
    await act(
        "creditInvoice",
        'mutation($i: ID!) { creditInvoice(invoiceId: $i, amountCents: 700, reason: "Annulé") { errors { code } } }',
        {"i": invoice["invoice"]["id"]},
    )
    # Last: the family leaves (its ids, and so the entries above, stay).
    await act(
        "eraseFamily",
        "mutation($p: ID!) { eraseFamily(parentId: $p) { errors { code } } }",
        {"p": gid("User", s.families[0].parent.id)},
    )

    called = {name for name, _ in calls}
    assert called == await mutation_names(gql) - FAMILY_MUTATIONS, (
        "a mutation is neither a family's own nor exercised here: classify it and call it"
    )
    entries = (await staff.data(TRAIL, {}))["auditTrail"]
    recorded = {entry["action"] for entry in entries}
    assert called <= recorded
    by_action = {entry["action"]: entry for entry in reversed(entries)}
    assert by_action["recordSale"]["role"] == "DEVICE" and by_action["recordSale"]["deviceId"]
    assert by_action["createChild"]["role"] == "STAFF"
    assert by_action["createChild"]["userId"] == gid("User", s.staff.id)
    created = by_action["createChild"]["details"]["changes"][0]
    assert created["table"] == "children" and created["kind"] == "created"
    assert by_action["updateMealArticle"]["details"]["changes"][0]["before"] == {"price_cents": 150}
    assert by_action["updateMealArticle"]["details"]["changes"][0]["after"] == {"price_cents": 160}
    assert by_action["adjustWallet"]["details"]["arguments"]["amountCents"] == -700
    assert by_action["adjustWallet"]["childId"] == child_gid


async def test_money_moved_by_others_is_recorded_with_balances_and_a_parents_own_is_not(
    gql: GraphQL, tx: Transactions
) -> None:
    s = await setting(tx, families=1)
    meals, other = s.wallets[0]
    await fund(tx, meals.id, 1_000)
    parent = gql.as_(s.families[0].parent.token)
    await ok(
        parent,
        "mutation($a: ID!, $b: ID!, $k: String!) { transferBetweenWallets(fromWalletId: $a, toWalletId: $b, amountCents: 300, idempotencyKey: $k) { errors { code } } }",
        {"a": gid("Wallet", meals.id), "b": gid("Wallet", other.id), "k": unique("t")},
    )
    await ok(
        gql.as_(s.staff.token),
        'mutation($w: ID!, $k: String!) { adjustWallet(walletId: $w, amountCents: 250, reason: "Geste", idempotencyKey: $k) { errors { code } } }',
        {"w": gid("Wallet", meals.id), "k": unique("adj")},
    )
    child = gid("Child", s.families[0].child.id)
    entries = (await gql.as_(s.staff.token).data(TRAIL, {"child": child}))["auditTrail"]
    money = [e for e in entries if e["action"].startswith("money.")]
    # The parent's own transfer is not there; the staff's adjustment is, with its balances,
    # and so is the funding made without anybody signed in (as a payment provider's webhook).
    assert [(e["role"], e["details"]["wallets"][0]["amountCents"]) for e in money] == [
        ("STAFF", 250),
        ("SYSTEM", 1000),
    ]
    assert money[0]["details"]["wallets"][0]["balanceBeforeCents"] == 700
    assert money[0]["details"]["wallets"][0]["balanceAfterCents"] == 950
    assert "adjustWallet" in {e["action"] for e in entries}


async def test_a_refused_action_leaves_no_entry_and_parents_cannot_read_the_trail(
    gql: GraphQL, tx: Transactions
) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    parent = await make_user(tx, school)
    refused = await staff.data(
        'mutation { createMealArticle(name: "Gratuit", priceCents: -1) { errors { code } } }'
    )
    assert refused["createMealArticle"]["errors"]
    assert (await staff.data(TRAIL, {}))["auditTrail"] == []
    body = await gql.as_(parent.token).execute(TRAIL, {})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other_school = gql.as_((await make_user(tx, await make_school(tx), Role.STAFF)).token)
    await ok(
        other_school,
        'mutation { createMealArticle(name: "X", priceCents: 100) { errors { code } } }',
        {},
    )
    assert (await staff.data(TRAIL, {}))["auditTrail"] == []  # another school's entries


@pytest.mark.parametrize(
    "statement_sql", ["UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"]
)
async def test_the_database_refuses_to_change_or_delete_entries(
    gql: GraphQL, tx: Transactions, db: Database, statement_sql: str
) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    await ok(
        staff, 'mutation { createMealArticle(name: "Y", priceCents: 100) { errors { code } } }', {}
    )
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.engine.begin() as connection:
            await connection.execute(text(statement_sql))
    assert (await staff.data(TRAIL, {}))["auditTrail"]


async def test_a_password_change_is_recorded(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    parent = await make_user(tx, school)
    await ok(
        gql.as_(parent.token),
        'mutation($c: String!) { changePassword(currentPassword: $c, newPassword: "an-entirely-new-passphrase") { errors { code } } }',
        {"c": "correct horse battery staple"},
    )
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    entries = (await staff.data(TRAIL, {"user": gid("User", parent.id)}))["auditTrail"]
    assert [(e["action"], e["role"]) for e in entries] == [("passwordChanged", "PARENT")]


_ = date
