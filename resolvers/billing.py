"""Invoices: node lookup, the staff list, issuing and crediting (staff), paying from a wallet."""

from datetime import date
from typing import Annotated

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.billing import (
    Invoice,
    InvoiceLineInput,
    InvoiceList,
    InvoicePayload,
    InvoiceTotals,
    school_today,
)
from schema.context import Info
from schema.enums import InvoiceStatus
from schema.errors import catches_user_errors, refused
from schema.family import Child, reachable_child
from schema.money import money
from schema.online_payments import OnlinePayment, OnlinePaymentPayload
from schema.wallets import Wallet
from services.billing import reading
from services.billing.crediting import credit_invoice
from services.billing.issuing import issue_invoice
from services.billing.online_payment import online_payment_for, start_invoice_payment
from services.billing.publishing import publish_invoices
from services.billing.views import InvoiceView, LineInput
from services.billing.wallet_payment import pay_invoice_from_wallet
from services.common.errors import DomainError, NotFound
from services.wallets.wallets import wallet_for


async def invoice_node(info: Info, invoice_id: int) -> Invoice | None:
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: reading.invoice_for(s, actor, invoice_id))
    except DomainError:
        return None
    return (await shown(info, [view]))[0]


async def online_payment_node(info: Info, payment_id: int) -> OnlinePayment | None:
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: online_payment_for(s, actor, payment_id))
    except DomainError:
        return None
    return OnlinePayment.from_view(view)


async def shown(info: Info, views: list[InvoiceView]) -> list[Invoice]:
    """The invoices with their child (each child read once)."""
    children: dict[int, Child] = {}
    for child_id in dict.fromkeys(v.child_id for v in views):
        child = await reachable_child(info, child_id)
        if child is None:  # the invoice was reached, so its child is: never expected
            raise NotFound("childId")
        children[child_id] = child
    return [Invoice.from_view(v, children[v.child_id]) for v in views]


@strawberry.type
class Query:
    @strawberry.field(
        description="Staff: the school's invoices, newest first, with the totals of all matching."
    )
    async def invoices(
        self,
        info: Info,
        status: InvoiceStatus | None = None,
        class_name: str | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        first: int | None = 50,
    ) -> InvoiceList:
        actor = actor_of(info)
        today = await school_today(info, actor.school_id)
        try:
            views, totals = await read(
                info,
                lambda s: reading.school_invoices(
                    s,
                    actor,
                    status=status,
                    class_name=class_name,
                    issued_from=from_,
                    issued_to=to,
                    today=today,
                    first=50 if first is None else first,
                ),
            )
        except DomainError as error:
            raise refused(info, error) from None
        return InvoiceList(
            invoices=await shown(info, views),
            totals=InvoiceTotals(
                count=totals.count,
                total=money(totals.total_cents),
                paid=money(totals.paid_cents),
                credited=money(totals.credited_cents),
                due=money(totals.due_cents),
            ),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Staff: an invoice for one child, numbered without gaps.")
    @catches_user_errors(InvoicePayload)
    async def issue_invoice(
        self,
        info: Info,
        child_id: strawberry.ID,
        title: str,
        lines: list[InvoiceLineInput],
        issued_on: date,
        due_on: date,
    ) -> InvoicePayload:
        actor = actor_of(info)
        child = require_id(child_id, "Child", "childId")
        wanted = [LineInput(x.label, x.quantity, x.unit_price_cents) for x in lines]
        view = await run(
            info, lambda uow: issue_invoice(uow, actor, child, title, wanted, issued_on, due_on)
        )
        # Its PDF is rendered after the issuing transaction; the parents see both together.
        runtime = info.context.runtime
        await publish_invoices(runtime.transactions, runtime.storage, [view.id])
        issued = view.id
        view = await read(info, lambda s: reading.invoice_for(s, actor, issued))
        return InvoicePayload(invoice=(await shown(info, [view]))[0])

    @strawberry.mutation(
        description="Staff: a credit note; what was paid beyond the new total goes to the wallet."
    )
    @catches_user_errors(InvoicePayload)
    async def credit_invoice(
        self, info: Info, invoice_id: strawberry.ID, amount_cents: int, reason: str
    ) -> InvoicePayload:
        actor = actor_of(info)
        invoice = require_id(invoice_id, "Invoice", "invoiceId")
        view = await run(
            info, lambda uow: credit_invoice(uow, actor, invoice, amount_cents, reason)
        )
        return InvoicePayload(invoice=(await shown(info, [view]))[0])

    @strawberry.mutation(
        description="Where the school allows it: the whole due from one of the child's wallets."
    )
    @catches_user_errors(InvoicePayload)
    async def pay_invoice_from_wallet(
        self, info: Info, invoice_id: strawberry.ID, wallet_id: strawberry.ID, idempotency_key: str
    ) -> InvoicePayload:
        actor = actor_of(info)
        invoice = require_id(invoice_id, "Invoice", "invoiceId")
        wallet = require_id(wallet_id, "Wallet", "walletId")
        # An invoice not published yet (no PDF) is not the parent's to see, nor to pay.
        await read(info, lambda s: reading.invoice_for(s, actor, invoice))
        await run(
            info,
            lambda uow: pay_invoice_from_wallet(
                uow, actor, invoice_id=invoice, wallet_id=wallet, idempotency_key=idempotency_key
            ),
        )
        view = await read(info, lambda s: reading.invoice_for(s, actor, invoice))
        wallet_view = await read(info, lambda s: wallet_for(s, actor, wallet))
        invoice_shown = (await shown(info, [view]))[0]
        return InvoicePayload(invoice=invoice_shown, wallet=Wallet.from_view(wallet_view))

    @strawberry.mutation(
        description="Pay what an invoice has due online: follow `checkoutUrl`; the invoice is paid when the payment provider confirms."
    )
    @catches_user_errors(OnlinePaymentPayload)
    async def start_invoice_payment(
        self, info: Info, invoice_id: strawberry.ID, idempotency_key: str
    ) -> OnlinePaymentPayload:
        actor = actor_of(info)
        invoice = require_id(invoice_id, "Invoice", "invoiceId")
        payments = info.context.runtime.payments
        view = await run(
            info,
            lambda uow: start_invoice_payment(
                uow, actor, payments, invoice_id=invoice, idempotency_key=idempotency_key
            ),
        )
        return OnlinePaymentPayload(payment=OnlinePayment.from_view(view))
