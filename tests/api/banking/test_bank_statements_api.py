"""POST /bank-statements as a clerk uses it, the unmatched queue in GraphQL, and a parent's
announced transfer shown until the statement that settles it."""

import asyncio

import httpx

from models.accounts import Role
from services.demo.statement_files import Movement, camt053_file, coda_file, statement
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import gid, make_user
from tests.services.banking.helpers import balances, digits, setting
from tests.support.clock import FakeClock
from tests.support.graphql import GraphQL, error_codes
from tests.support.ledger import assert_ledger_balanced
from tests.support.mail import mails_to, text_of

QUEUE = """{ unmatchedBankLines { id amount { cents } communication counterpartyName status
  suggestions { wallet { id } childName reason } } }"""
ASSIGN = """mutation($line: ID!, $wallet: ID!) { assignBankLine(lineId: $line, walletId: $wallet) {
  line { status handledBy } wallet { balance { cents } } errors { code } } }"""
RETURN = """mutation($line: ID!, $note: String!) { returnBankLine(lineId: $line, note: $note) {
  line { status note handledBy } errors { code } } }"""
ANNOUNCE = """mutation($wallet: ID!, $cents: Int!, $key: String!) {
  announceBankTransfer(walletId: $wallet, amountCents: $cents, idempotencyKey: $key) {
    pendingTransfer { id amount { cents } announcedOn } errors { code } } }"""
PENDING = """query($wallet: ID!) { node(id: $wallet) { ... on Wallet {
  pendingTransfers { amount { cents } } balance { cents } } } }"""


async def upload(
    http: httpx.AsyncClient, token: str | None, data: bytes, name: str = "extrait.cod"
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post(
        "/bank-statements", files={"file": (name, data, "text/plain")}, headers=headers
    )


async def test_upload_answers_as_the_contract_says(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    s = await setting(tx, families=1)
    meals = s.wallets[0][0]
    data = coda_file(statement(Movement(4200, "U1", communication=digits(meals)), number=50))

    first = await upload(http, s.staff.token, data)
    again = await upload(http, s.staff.token, data)

    assert first.status_code == 201, first.text
    body = first.json()
    assert {k: body[k] for k in ("lines", "credited", "unmatched", "duplicate")} == {
        "lines": 1,
        "credited": 1,
        "unmatched": 0,
        "duplicate": False,
    }
    assert again.status_code == 200
    assert again.json() == {**body, "credited": 0, "duplicate": True}
    imports = "{ bankStatements { id format number lines credited importedBy complete } }"
    listed = (await GraphQL(http, s.staff.token).data(imports))["bankStatements"]
    assert listed == [
        {
            "id": body["statementId"],
            "format": "coda",
            "number": "050",
            "lines": 1,
            "credited": 1,
            "importedBy": s.staff.user.display_name,
            "complete": True,
        }
    ]
    assert await balances(tx, s) == [[4200, 0]]

    broken = await upload(http, s.staff.token, data[:-200])
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "INVALID_INPUT"
    assert "incomplet" in broken.json()["error"]["message"]
    unknown = await upload(http, s.staff.token, b"%PDF-1.4 not a statement")
    assert unknown.status_code == 415
    assert unknown.json()["error"]["code"] == "UNSUPPORTED_FILE_TYPE"
    parent = await upload(http, s.families[0].parent.token, data)
    assert parent.status_code == 403
    nobody = await upload(http, None, data)
    assert nobody.status_code == 401
    await assert_ledger_balanced(tx)


async def test_an_oversized_file_is_413(
    http: httpx.AsyncClient, tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=0)
    huge = b"0" * (runtime.settings.documents_max_bytes + 70 * 1024)
    response = await upload(http, s.staff.token, huge)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "FILE_TOO_LARGE"


async def test_the_queue_suggests_and_staff_assign_once_or_return(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1, locales=("en",))
    meals = s.wallets[0][0]
    wrong = digits(meals)[:-1] + str((int(digits(meals)[-1]) + 1) % 10)
    data = camt053_file(
        statement(
            Movement(3100, "Q1", communication=wrong, counterparty_name="SOMEONE"),
            Movement(900, "Q2", free_text="for the trip", counterparty_name="STRANGER"),
            number=51,
        )
    )
    response = await upload(http, s.staff.token, data)
    assert response.json()["unmatched"] == 2

    staff = gql.as_(s.staff.token)
    lines = (await staff.data(QUEUE))["unmatchedBankLines"]
    by_amount = {line["amount"]["cents"]: line for line in lines}
    assert by_amount[3100]["communication"] == wrong
    # Every wallet one typing error away is offered (small ids are near each other), this one too.
    assert {
        "wallet": {"id": gid("Wallet", meals.id)},
        "childName": s.families[0].child.first_name,
        "reason": "CHECK_DIGITS",
    } in by_amount[3100]["suggestions"]
    assert by_amount[900]["suggestions"] == []
    # A parent sees no queue.
    refused = await gql.as_(s.families[0].parent.token).execute(QUEUE)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    line = by_amount[3100]["id"]
    assigned = await staff.data(ASSIGN, {"line": line, "wallet": gid("Wallet", meals.id)})
    assert assigned["assignBankLine"]["wallet"] == {"balance": {"cents": 3100}}
    assert assigned["assignBankLine"]["line"]["status"] == "CREDITED"
    twice = await staff.data(ASSIGN, {"line": line, "wallet": gid("Wallet", meals.id)})
    assert error_codes(twice["assignBankLine"]) == ["ALREADY_HANDLED"]
    assert await balances(tx, s) == [[3100, 0]]
    [receipt] = await mails_to(runtime, s.families[0].parent.user.email)
    assert "€31.00" in text_of(receipt)

    returned = await staff.data(RETURN, {"line": by_amount[900]["id"], "note": "Unknown sender"})
    assert returned["returnBankLine"]["line"]["status"] == "RETURNED"
    assert returned["returnBankLine"]["line"]["note"] == "Unknown sender"
    assert (await staff.data(QUEUE))["unmatchedBankLines"] == []
    await assert_ledger_balanced(tx)


async def test_an_announced_transfer_shows_until_a_statement_settles_it(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    s = await setting(tx, families=1)
    meals, activities = s.wallets[0]
    parent = gql.as_(s.families[0].parent.token)
    for key, cents in (("a1", 2500), ("a2", 2500), ("a3", 800)):
        payload = (
            await parent.data(
                ANNOUNCE, {"wallet": gid("Wallet", meals.id), "cents": cents, "key": key}
            )
        )["announceBankTransfer"]
        assert payload["errors"] == []
    again = (
        await parent.data(ANNOUNCE, {"wallet": gid("Wallet", meals.id), "cents": 999, "key": "a1"})
    )["announceBankTransfer"]
    assert error_codes(again) == ["IDEMPOTENCY_CONFLICT"]
    shown = (await parent.data(PENDING, {"wallet": gid("Wallet", meals.id)}))["node"]
    assert [p["amount"]["cents"] for p in shown["pendingTransfers"]] == [2500, 2500, 800]

    data = coda_file(statement(Movement(2500, "P1", communication=digits(meals)), number=52))
    assert (await upload(http, s.staff.token, data)).status_code == 201

    shown = (await parent.data(PENDING, {"wallet": gid("Wallet", meals.id)}))["node"]
    assert [p["amount"]["cents"] for p in shown["pendingTransfers"]] == [2500, 800]
    assert shown["balance"] == {"cents": 2500}
    other = gql.as_(s.staff.token)  # staff of the school see the wallet too
    assert (await other.data(PENDING, {"wallet": gid("Wallet", activities.id)}))["node"][
        "pendingTransfers"
    ] == []
    await assert_ledger_balanced(tx)


async def test_a_refused_file_says_why_in_the_clerks_words(
    http: httpx.AsyncClient, tx: Transactions
) -> None:
    s = await setting(tx, families=1)
    meals = s.wallets[0][0]
    other = coda_file(
        statement(Movement(100, "W1", communication=digits(meals)), iban="BE68539007547034")
    )
    unbalanced = camt053_file(
        statement(Movement(100, "W2", communication=digits(meals)), closing_cents=99, number=9)
    )

    wrong_account = (await upload(http, s.staff.token, other)).json()["error"]
    wrong_total = (await upload(http, s.staff.token, unbalanced, "extrait.xml")).json()["error"]

    assert wrong_account["problem"] == "WRONG_ACCOUNT"
    assert "BE68 5390 0754 7034" in wrong_account["message"]
    assert "BE71 0961 2345 6769" in wrong_account["message"]
    assert wrong_total["problem"] == "BALANCE_MISMATCH"
    assert "Rien n'a été importé" in wrong_total["message"]
    assert await balances(tx, s) == [[0, 0]]


TO_INVOICE = """mutation($line: ID!, $invoice: ID!) {
  assignBankLineToInvoice(lineId: $line, invoiceId: $invoice) {
    line { status handledBy } invoice { id paid { cents } due { cents } }
    wallet { balance { cents } } errors { code field } } }"""
ISSUE = """mutation($c: ID!, $on: Date!) { issueInvoice(childId: $c, title: "Piscine",
  lines: [{label: "Entrée", quantity: 4, unitPriceCents: 500}], issuedOn: $on, dueOn: $on) {
    invoice { id } errors { code } } }"""


async def test_staff_pay_an_invoice_with_a_line_once_when_two_click_at_once(
    http: httpx.AsyncClient, gql: GraphQL, tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1, locales=("en",))
    staff = gql.as_(s.staff.token)
    on = tx.now().date().isoformat()
    issued = await staff.data(ISSUE, {"c": gid("Child", s.families[0].child.id), "on": on})
    invoice = issued["issueInvoice"]["invoice"]["id"]
    data = coda_file(
        statement(Movement(2600, "V1", free_text="piscine", counterparty_name="P"), number=53)
    )
    assert (await upload(http, s.staff.token, data)).json()["unmatched"] == 1
    [line] = (await staff.data(QUEUE))["unmatchedBankLines"]
    before = len(await mails_to(runtime, s.families[0].parent.user.email))

    colleague = await make_user(tx, s.school, Role.STAFF)
    other = gql.as_(colleague.token)
    answers = await asyncio.gather(
        staff.data(TO_INVOICE, {"line": line["id"], "invoice": invoice}),
        other.data(TO_INVOICE, {"line": line["id"], "invoice": invoice}),
    )
    late = await staff.data(
        ASSIGN, {"line": line["id"], "wallet": gid("Wallet", s.wallets[0][1].id)}
    )

    payloads = [answer["assignBankLineToInvoice"] for answer in answers]
    [won] = [p for p in payloads if p["errors"] == []]
    [lost] = [p for p in payloads if p["errors"] != []]
    assert won["line"]["status"] == "CREDITED"
    names = {s.staff.user.display_name, colleague.user.display_name}
    assert won["line"]["handledBy"] in names  # whoever the database let through
    assert won["invoice"] == {"id": invoice, "paid": {"cents": 2000}, "due": {"cents": 0}}
    assert won["wallet"] == {"balance": {"cents": 600}}  # the excess, on the first wallet
    assert lost["errors"] == [{"code": "ALREADY_HANDLED", "field": "lineId"}]
    assert lost["line"] is None and lost["invoice"] is None
    assert error_codes(late["assignBankLine"]) == ["ALREADY_HANDLED"]
    assert await balances(tx, s) == [[600, 0]]
    mails = await mails_to(runtime, s.families[0].parent.user.email)
    assert len(mails) == before + 1
    assert "€20.00 went to payment request" in text_of(mails[-1])
    await assert_ledger_balanced(tx)
