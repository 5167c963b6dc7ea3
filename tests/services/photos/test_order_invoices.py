"""An order is paid through its invoice: issued with the order for its lines and total;
cancelling before any payment credits it wholly (CREDITED); after a payment, ALREADY_PAID."""

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from models.billing import Invoice, InvoiceLine, InvoicePaymentMethod
from services.billing.paying import pay_invoice
from services.billing.status import status_of
from services.billing.views import InvoiceView
from services.common.errors import DomainError, ErrorCode
from services.photos.orders import OrderLine, cancel_order
from services.sql.uow import Transactions
from tests.factories import actor_for, pk
from tests.services.photos.test_orders import _order, _setup
from tests.support.clock import FakeClock
from tests.support.ledger import assert_ledger_balanced


async def invoice_of(tx: Transactions, invoice_id: int | None) -> Invoice:
    assert invoice_id is not None
    found = await tx.read(lambda s: s.get(Invoice, invoice_id, populate_existing=True))
    assert found is not None
    return found


async def test_the_order_issues_its_invoice_and_cancelling_credits_it(
    tx: Transactions, clock: FakeClock
) -> None:
    family, campaign = await _setup(tx, clock)
    portrait, group = campaign.articles
    order = await _order(
        tx, family, campaign, [OrderLine(pk(portrait), 2), OrderLine(pk(group), 1)], "inv-1"
    )
    invoice = await invoice_of(tx, order.invoice_id)
    assert (invoice.child_id, invoice.total_cents, invoice.paid_cents) == (
        pk(family.child),
        order.total_cents,
        0,
    )
    lines = await tx.read(
        lambda s: s.scalars(select(InvoiceLine).where(col(InvoiceLine.invoice_id) == invoice.id))
    )
    assert [(x.label, x.quantity, x.unit_price_cents) for x in lines] == [
        ("Portrait 13x18", 2, 8_00),
        ("Photo de classe", 1, 6_50),
    ]
    await tx.run(lambda uow: cancel_order(uow, actor_for(family.parent), pk(order)))
    credited = await invoice_of(tx, order.invoice_id)
    assert credited.credited_cents == credited.total_cents
    status = status_of(InvoiceView.of(credited), tx.now(), ZoneInfo("Europe/Brussels"))
    assert status.value == "CREDITED"
    await assert_ledger_balanced(tx)


async def test_a_paid_order_cannot_be_cancelled(tx: Transactions, clock: FakeClock) -> None:
    family, campaign = await _setup(tx, clock)
    portrait, _ = campaign.articles
    order = await _order(tx, family, campaign, [OrderLine(pk(portrait), 1)], "inv-2")
    assert order.invoice_id is not None
    invoice_id = order.invoice_id
    await tx.run(
        lambda uow: pay_invoice(
            uow, invoice_id, 300, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:1"
        )
    )
    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: cancel_order(uow, actor_for(family.parent), pk(order)))
    assert refused.value.code == ErrorCode.ALREADY_PAID
    assert (await invoice_of(tx, invoice_id)).credited_cents == 0
    await assert_ledger_balanced(tx)
