"""Paying invoices online in tests: start through the API, deliver the sandbox's signed webhook."""

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from models.topups import TopUp
from payments.provider import PaymentStatus
from payments.sandbox import SandboxProvider
from schema.ids import db_id_of, parse_global_id
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.support.graphql import GraphQL

WEBHOOK = "/payments/webhooks/sandbox"
PAYMENT_FIELDS = "id status amount { cents } checkoutUrl"
INVOICE_FIELDS = "status paid { cents } due { cents } payments { amount { cents } method }"

START = f"""
mutation($invoice: ID!, $key: String!) {{
  startInvoicePayment(invoiceId: $invoice, idempotencyKey: $key) {{
    payment {{ {PAYMENT_FIELDS} invoice {{ id {INVOICE_FIELDS} }} }}
    errors {{ code field }}
  }}
}}"""

INVOICE = f"query($id: ID!) {{ node(id: $id) {{ ... on Invoice {{ {INVOICE_FIELDS} }} }} }}"
PAYMENT = f"query($id: ID!) {{ node(id: $id) {{ ... on OnlinePayment {{ {PAYMENT_FIELDS} }} }} }}"


async def start(parent: GraphQL, invoice_id: object, key: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await parent.data(START, {"invoice": invoice_id, "key": key}))[
        "startInvoicePayment"
    ]
    return payload


async def invoice_as_seen(parent: GraphQL, invoice_id: object) -> dict[str, Any]:
    node: dict[str, Any] = (await parent.data(INVOICE, {"id": invoice_id}))["node"]
    return node


def sandbox(runtime: Runtime) -> SandboxProvider:
    provider = runtime.payments.providers["sandbox"]
    assert isinstance(provider, SandboxProvider)
    return provider


async def row_of(tx: Transactions, payment_gid: str) -> TopUp:
    parsed = parse_global_id(payment_gid)
    assert parsed is not None and parsed[0] == "OnlinePayment"
    row = await tx.read(lambda s: s.get(TopUp, parsed[1], populate_existing=True))
    assert row is not None
    return row


def described(row: TopUp) -> dict[str, Any]:
    """The payment as the sandbox's signed checkout token carries it."""
    return {
        "p": row.provider_payment_id,
        "a": row.amount_cents,
        "c": "EUR",
        "r": f"invoice-payment:{row.id}",
    }


async def deliver(
    http: httpx.AsyncClient,
    runtime: Runtime,
    row: TopUp,
    status: PaymentStatus = PaymentStatus.PAID,
    event_id: str = "evt_invoice",
) -> str:
    """One signed webhook; the application's outcome (credited, already_settled...)."""
    body, headers = sandbox(runtime).webhook(described(row), status, event_id)
    response = await http.post(WEBHOOK, content=body, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


async def online_payments_of(tx: Transactions, invoice_gid: object) -> int:
    """How many online payments were ever started for this invoice."""
    invoice_id = db_id_of(str(invoice_gid), "Invoice")
    count = await tx.read(
        lambda s: s.scalar(
            select(func.count()).select_from(TopUp).where(col(TopUp.invoice_id) == invoice_id)
        )
    )
    return int(count or 0)
