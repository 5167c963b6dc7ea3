"""payInvoiceFromWallet through the API: the switch, the exact error codes, the balance and
status a parent sees after paying, the same key answering the same, another family refused."""

import asyncio

from models.accounts import Role
from schema.ids import db_id_of
from services.sql.uow import Transactions
from tests.api.invoices.support import issue, publish, switch_wallet_payment, unpublish
from tests.factories import fund, gid, make_family, make_school, make_user, pk, wallets_of
from tests.support.graphql import GraphQL

PAY = """
mutation($invoice: ID!, $wallet: ID!, $key: String!) {
  payInvoiceFromWallet(invoiceId: $invoice, walletId: $wallet, idempotencyKey: $key) {
    invoice { status paid { cents } due { cents } payments { amount { cents } method } }
    wallet { balance { cents } }
    errors { code field }
  }
}"""


async def test_pay_from_wallet(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family, stranger = await make_family(tx, school), await make_family(tx, school)
    invoice = await issue(
        staff, gid("Child", pk(family.child)), "Excursion", 2500, "2026-10-20", "2026-11-20"
    )
    await publish(tx, school, family.child, db_id_of(str(invoice["id"]), "Invoice") or 0)
    wallet = (await wallets_of(tx, family.child))[0]
    wallet_id = gid("Wallet", wallet.id)
    parent = gql.as_(family.parent.token)
    args = {"invoice": invoice["id"], "wallet": wallet_id, "key": "pay-1"}

    off = (await parent.data(PAY, args))["payInvoiceFromWallet"]
    assert off == {
        "invoice": None,
        "wallet": None,
        "errors": [{"code": "FEATURE_DISABLED", "field": None}],
    }
    await switch_wallet_payment(tx, school, True)
    await fund(tx, wallet.id, 2000)
    short = (await parent.data(PAY, {**args, "key": "pay-0"}))["payInvoiceFromWallet"]
    assert [e["code"] for e in short["errors"]] == ["INSUFFICIENT_FUNDS"]

    await fund(tx, wallet.id, 1000)
    paid = (await parent.data(PAY, args))["payInvoiceFromWallet"]
    assert paid == {
        "invoice": {
            "status": "PAID",
            "paid": {"cents": 2500},
            "due": {"cents": 0},
            "payments": [{"amount": {"cents": 2500}, "method": "WALLET"}],
        },
        "wallet": {"balance": {"cents": 500}},
        "errors": [],
    }
    # The same key again: the same answer, no second debit.
    assert (await parent.data(PAY, args))["payInvoiceFromWallet"] == paid
    again = (await parent.data(PAY, {**args, "key": "pay-2"}))["payInvoiceFromWallet"]
    assert [e["code"] for e in again["errors"]] == ["NOTHING_DUE"]

    # Another family, with its own wallet: the invoice is not theirs.
    theirs = gid("Wallet", (await wallets_of(tx, stranger.child))[0].id)
    foreign = await gql.as_(stranger.parent.token).data(
        PAY, {"invoice": invoice["id"], "wallet": theirs, "key": "steal"}
    )
    assert foreign["payInvoiceFromWallet"]["errors"] == [
        {"code": "NOT_FOUND", "field": "invoiceId"}
    ]
    assert (await wallets_of(tx, family.child))[0].balance_cents == 500


async def test_unpublished_invoice_cannot_be_paid(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx, feature_pay_invoice_from_wallet=True)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    invoice = await issue(
        staff, gid("Child", pk(family.child)), "Brouillon", 700, "2026-10-20", "2026-11-20"
    )
    await unpublish(tx, db_id_of(str(invoice["id"]), "Invoice") or 0)
    wallet = (await wallets_of(tx, family.child))[0]
    await fund(tx, wallet.id, 1000)
    answer = await gql.as_(family.parent.token).data(
        PAY, {"invoice": invoice["id"], "wallet": gid("Wallet", wallet.id), "key": "k"}
    )
    assert answer["payInvoiceFromWallet"]["errors"] == [{"code": "NOT_FOUND", "field": "invoiceId"}]
    assert (await wallets_of(tx, family.child))[0].balance_cents == 1000


async def test_racing_payments_debit_once(gql: GraphQL, tx: Transactions) -> None:
    """Eight payments of one invoice at once, each with its own key: one pays, the others
    find nothing due, and the wallet is debited once."""
    school = await make_school(tx, feature_pay_invoice_from_wallet=True)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    invoice = await issue(
        staff, gid("Child", pk(family.child)), "Classe verte", 4000, "2026-10-20", "2026-11-20"
    )
    await publish(tx, school, family.child, db_id_of(str(invoice["id"]), "Invoice") or 0)
    wallet = (await wallets_of(tx, family.child))[0]
    await fund(tx, wallet.id, 10000)
    parent = gql.as_(family.parent.token)

    async def pay(n: int) -> list[str]:
        variables = {"invoice": invoice["id"], "wallet": gid("Wallet", wallet.id), "key": f"r{n}"}
        payload = (await parent.data(PAY, variables))["payInvoiceFromWallet"]
        return [e["code"] for e in payload["errors"]] or ["OK"]

    outcomes = sorted(code for codes in await asyncio.gather(*map(pay, range(8))) for code in codes)
    assert outcomes == ["NOTHING_DUE"] * 7 + ["OK"]
    assert (await wallets_of(tx, family.child))[0].balance_cents == 6000


SETTINGS = """
mutation($partial: Boolean, $days: Int) {
  setInvoiceSettings(partialPayments: $partial, reminderDaysBefore: $days) {
    settings { remindersEnabled reminderDaysBefore partialPayments }
    errors { code field }
  }
}"""


async def test_partial_payment_once_staff_allow_it(gql: GraphQL, tx: Transactions) -> None:
    school = await make_school(tx)
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    family = await make_family(tx, school)
    invoice = await issue(
        staff, gid("Child", pk(family.child)), "Excursion", 2500, "2026-10-20", "2026-11-20"
    )
    await publish(tx, school, family.child, db_id_of(str(invoice["id"]), "Invoice") or 0)
    await switch_wallet_payment(tx, school, True)
    wallet = (await wallets_of(tx, family.child))[0]
    await fund(tx, wallet.id, 1800)
    parent = gql.as_(family.parent.token)
    args = {"invoice": invoice["id"], "wallet": gid("Wallet", wallet.id), "key": "part-0"}
    short = (await parent.data(PAY, args))["payInvoiceFromWallet"]
    assert [e["code"] for e in short["errors"]] == ["INSUFFICIENT_FUNDS"]

    # A parent cannot switch it; staff can, and read it back.
    refused = (await parent.data(SETTINGS, {"partial": True}))["setInvoiceSettings"]
    assert refused == {"settings": None, "errors": [{"code": "FORBIDDEN", "field": None}]}
    bad = (await staff.data(SETTINGS, {"days": 0}))["setInvoiceSettings"]
    assert bad["errors"] == [{"code": "INVALID_INPUT", "field": "reminderDaysBefore"}]
    allowed = (await staff.data(SETTINGS, {"partial": True}))["setInvoiceSettings"]
    assert allowed == {
        "settings": {"remindersEnabled": True, "reminderDaysBefore": 3, "partialPayments": True},
        "errors": [],
    }
    read = await staff.data("{ invoiceSettings { partialPayments } }")
    assert read == {"invoiceSettings": {"partialPayments": True}}

    part = (await parent.data(PAY, {**args, "key": "part-1"}))["payInvoiceFromWallet"]
    assert part == {
        "invoice": {
            "status": "OPEN",
            "paid": {"cents": 1800},
            "due": {"cents": 700},
            "payments": [{"amount": {"cents": 1800}, "method": "WALLET"}],
        },
        "wallet": {"balance": {"cents": 0}},
        "errors": [],
    }
    empty = (await parent.data(PAY, {**args, "key": "part-2"}))["payInvoiceFromWallet"]
    assert [e["code"] for e in empty["errors"]] == ["INSUFFICIENT_FUNDS"]
