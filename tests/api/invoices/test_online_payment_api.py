"""startInvoicePayment through the API: the checkout asks for the due, only the verified webhook
pays the invoice (once, through the one invoice payment path), money arriving for an invoice
paid meanwhile lands on the child's wallet, refusals write nothing."""

import asyncio
from typing import Any

import httpx

from models.accounts import Role
from models.billing import InvoicePaymentMethod
from models.family import School
from payments.provider import PaymentStatus
from schema.ids import db_id_of
from services.billing.paying import pay_invoice
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.api.invoices.online import (
    PAYMENT,
    deliver,
    invoice_as_seen,
    online_payments_of,
    row_of,
    start,
)
from tests.api.invoices.support import issue, unpublish
from tests.factories import Family, fund, gid, make_family, make_school, make_user, pk, wallets_of
from tests.support.graphql import GraphQL
from tests.support.mail import mails_to, text_of

OPERATIONS = """query($id: ID!) { viewer { child(id: $id) { operations(first: 10) {
  edges { node { type method amount { cents } } } } } } }"""


async def billed(
    gql: GraphQL, tx: Transactions, cents: int = 2500, **school: Any
) -> tuple[Family, GraphQL, dict[str, Any]]:
    """A family, its parent's client, and a published invoice of `cents` for its child."""
    made = await make_school(tx, **school)
    staff = gql.as_((await make_user(tx, made, Role.STAFF)).token)
    family = await make_family(tx, made)
    invoice = await issue(
        staff, gid("Child", pk(family.child)), "Classe verte", cents, "2026-10-20", "2026-11-20"
    )
    return family, gql.as_(family.parent.token), invoice


async def receipts_to(runtime: Runtime, family: Family) -> list[str]:
    mails = await mails_to(runtime, family.parent.user.email)
    return [text_of(m) for m in mails if "paiement reçu" in str(m["Subject"])]


async def test_starting_asks_for_the_due_and_credits_nothing(
    gql: GraphQL, tx: Transactions
) -> None:
    family, parent, invoice = await billed(gql, tx)
    invoice_id = db_id_of(str(invoice["id"]), "Invoice") or 0
    # A transfer paid part of it already: the checkout asks for what is left.
    await tx.run(
        lambda uow: pay_invoice(
            uow, invoice_id, 1000, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:1"
        )
    )

    payload = await start(parent, invoice["id"], "online-1")

    assert payload["errors"] == []
    payment = payload["payment"]
    assert (payment["status"], payment["amount"]) == ("PENDING", {"cents": 1500})
    assert payment["checkoutUrl"].startswith("http://cartable.test/sandbox-psp/checkout/")
    assert payment["invoice"] == {
        "id": invoice["id"],
        "status": "OPEN",
        "paid": {"cents": 1000},
        "due": {"cents": 1500},
        "payments": [{"amount": {"cents": 1000}, "method": "BANK_TRANSFER"}],
    }
    # The same key: the same payment, no second checkout.
    assert await start(parent, invoice["id"], "online-1") == payload
    assert await online_payments_of(tx, invoice["id"]) == 1
    node = await parent.data(PAYMENT, {"id": payment["id"]})
    assert node["node"] == {k: payment[k] for k in ("id", "status", "amount", "checkoutUrl")}
    # It is the invoice's: no wallet lists it as a top-up, nor does the TopUp node show it.
    for wallet in await wallets_of(tx, family.child):
        shown = await parent.data(
            "query($id: ID!) { node(id: $id) { ... on Wallet { topUps { id } balance { cents } } } }",
            {"id": gid("Wallet", wallet.id)},
        )
        assert shown["node"] == {"topUps": [], "balance": {"cents": 0}}
    row = await row_of(tx, payment["id"])
    top_up = await parent.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("TopUp", row.id)}
    )
    assert top_up == {"node": None}
    # Another family does not reach it.
    stranger = await make_family(tx, await make_school(tx))
    hidden = await gql.as_(stranger.parent.token).data(PAYMENT, {"id": payment["id"]})
    assert hidden == {"node": None}


async def test_the_webhook_pays_the_invoice_once_and_mails_a_receipt(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient, runtime: Runtime
) -> None:
    family, parent, invoice = await billed(gql, tx)
    payment = (await start(parent, invoice["id"], "online-2"))["payment"]
    row = await row_of(tx, payment["id"])
    assert await invoice_as_seen(parent, invoice["id"]) == {
        "status": "OPEN",
        "paid": {"cents": 0},
        "due": {"cents": 2500},
        "payments": [],
    }

    outcomes = [
        await deliver(http, runtime, row, event_id="evt_1"),
        await deliver(http, runtime, row, event_id="evt_2"),  # the provider retries
        await deliver(http, runtime, row, PaymentStatus.FAILED, "evt_3"),  # late, contradictory
    ]

    assert outcomes == ["credited", "already_settled", "already_settled"]
    assert await invoice_as_seen(parent, invoice["id"]) == {
        "status": "PAID",
        "paid": {"cents": 2500},
        "due": {"cents": 0},
        "payments": [{"amount": {"cents": 2500}, "method": "ONLINE"}],
    }
    assert (await parent.data(PAYMENT, {"id": payment["id"]}))["node"]["status"] == "PAID"
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [0, 0]
    [receipt] = await receipts_to(runtime, family)
    assert "25,00" in receipt and str(invoice["number"]) in receipt
    # Nothing is due any more: no new checkout.
    again = await start(parent, invoice["id"], "online-3")
    assert again == {"payment": None, "errors": [{"code": "NOTHING_DUE", "field": "invoiceId"}]}


async def test_paid_from_a_wallet_meanwhile_the_online_money_lands_on_the_wallet(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient, runtime: Runtime
) -> None:
    family, parent, invoice = await billed(gql, tx, feature_pay_invoice_from_wallet=True)
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 3000)
    payment = (await start(parent, invoice["id"], "online-4"))["payment"]
    paid = await parent.data(
        """mutation($i: ID!, $w: ID!) { payInvoiceFromWallet(invoiceId: $i, walletId: $w,
           idempotencyKey: "w") { errors { code } } }""",
        {"i": invoice["id"], "w": gid("Wallet", meals.id)},
    )
    assert paid["payInvoiceFromWallet"]["errors"] == []

    outcome = await deliver(http, runtime, await row_of(tx, payment["id"]))

    assert outcome == "credited"
    assert await invoice_as_seen(parent, invoice["id"]) == {
        "status": "PAID",
        "paid": {"cents": 2500},
        "due": {"cents": 0},
        "payments": [{"amount": {"cents": 2500}, "method": "WALLET"}],
    }
    # 3000 − 2500 paid from the wallet + 2500 arrived online: the parent's money is all there.
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [3000, 0]
    operations = await parent.data(OPERATIONS, {"id": gid("Child", pk(family.child))})
    [latest, *_] = [e["node"] for e in operations["viewer"]["child"]["operations"]["edges"]]
    assert latest == {"type": "TOP_UP", "method": "ONLINE", "amount": {"cents": 2500}}
    assert len(await receipts_to(runtime, family)) == 1  # the invoice was paid once


async def test_a_failed_payment_leaves_the_invoice_open(
    gql: GraphQL, tx: Transactions, http: httpx.AsyncClient, runtime: Runtime
) -> None:
    family, parent, invoice = await billed(gql, tx)
    payment = (await start(parent, invoice["id"], "online-5"))["payment"]

    outcome = await deliver(http, runtime, await row_of(tx, payment["id"]), PaymentStatus.FAILED)

    assert outcome == "failed"
    assert (await parent.data(PAYMENT, {"id": payment["id"]}))["node"]["status"] == "FAILED"
    seen = await invoice_as_seen(parent, invoice["id"])
    assert (seen["status"], seen["due"], seen["payments"]) == ("OPEN", {"cents": 2500}, [])
    assert [w.balance_cents for w in await wallets_of(tx, family.child)] == [0, 0]
    # The parent tries again, with a new key: a new checkout.
    retry = (await start(parent, invoice["id"], "online-6"))["payment"]
    assert retry["status"] == "PENDING" and retry["id"] != payment["id"]


async def test_refusals_write_nothing(gql: GraphQL, tx: Transactions) -> None:
    family, parent, invoice = await billed(gql, tx)
    school = await _school_of(tx, family)
    stranger = await make_family(tx, school)

    def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
        assert payload["payment"] is None
        return [(e["code"], e["field"]) for e in payload["errors"]]

    foreign = await start(gql.as_(stranger.parent.token), invoice["id"], "steal")
    assert codes(foreign) == [("NOT_FOUND", "invoiceId")]
    staff = gql.as_((await make_user(tx, school, Role.STAFF)).token)
    assert codes(await start(staff, invoice["id"], "staff")) == [("FORBIDDEN", None)]
    await unpublish(tx, db_id_of(str(invoice["id"]), "Invoice") or 0)
    assert codes(await start(parent, invoice["id"], "draft")) == [("NOT_FOUND", "invoiceId")]
    assert await online_payments_of(tx, invoice["id"]) == 0

    _, off_parent, off_invoice = await billed(gql, tx, feature_online_top_up=False)
    assert codes(await start(off_parent, off_invoice["id"], "off")) == [("FEATURE_DISABLED", None)]
    assert await online_payments_of(tx, off_invoice["id"]) == 0


async def _school_of(tx: Transactions, family: Family) -> School:
    school = await tx.read(lambda s: s.get(School, family.child.school_id))
    assert school is not None
    return school


async def test_one_key_sent_at_once_several_times_starts_one_payment(
    gql: GraphQL, tx: Transactions
) -> None:
    _, parent, invoice = await billed(gql, tx)

    answers = await asyncio.gather(*(start(parent, invoice["id"], "same") for _ in range(4)))

    assert [a["errors"] for a in answers] == [[]] * 4
    assert len({a["payment"]["id"] for a in answers}) == 1
    assert await online_payments_of(tx, invoice["id"]) == 1
    # Keys are each parent's own: another family's same key starts its own payment.
    _, other_parent, other = await billed(gql, tx)
    assert (await start(other_parent, other["id"], "same"))["errors"] == []
    assert await online_payments_of(tx, other["id"]) == 1
