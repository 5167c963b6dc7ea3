"""Invoices as parents and staff see them, and what invoices add to `Child` and `Dashboard`.

`InvoiceLine` is shared with photo orders (schema/photo_orders.py)."""

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from models.billing import CREDIT_REFUND
from models.billing import InvoicePayment as PaymentRow
from schema.access import actor_of, read
from schema.context import Info
from schema.documents import Document
from schema.enums import InvoiceChange, InvoiceStatus, PaymentMethod
from schema.errors import InvalidArgumentError, UserError, refused
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from schema.pagination import PageInfo, decode_cursor, encode_cursor
from schema.schools import school_view
from schema.wallets import Wallet
from services.billing import reading
from services.billing.live import LiveInvoice, PaymentView
from services.billing.receipts import invoice_number
from services.billing.settings import InvoiceSettings as InvoiceSettingsView
from services.billing.status import status_of
from services.billing.views import InvoiceView
from services.common.errors import DomainError, NotFound
from services.common.school_time import local_today, zone
from services.documents import access


@strawberry.type
class InvoiceLine:
    """An invoice's line; a photo order's lines are its invoice's."""

    label: str
    quantity: int
    unit_price: Money
    amount: Money

    @classmethod
    def of(cls, label: str, quantity: int, unit_price_cents: int) -> "InvoiceLine":
        return cls(
            label=label,
            quantity=quantity,
            unit_price=money(unit_price_cents),
            amount=money(unit_price_cents * quantity),
        )


@strawberry.type
class InvoicePaymentItem:
    at: datetime
    amount: Money = strawberry.field(description="Negative when a credit note gave it back.")
    method: PaymentMethod

    @classmethod
    def of(cls, row: PaymentRow | PaymentView) -> "InvoicePaymentItem":
        # A credit note's refund goes back to the wallet: an internal movement.
        method = "INTERNAL" if row.method == CREDIT_REFUND else row.method
        return cls(at=row.at, amount=money(row.amount_cents), method=PaymentMethod(method))


InvoicePaymentItem.__strawberry_definition__.name = "InvoicePayment"  # type: ignore[attr-defined]


async def school_today(info: Info, school_id: int) -> date:
    school = await school_view(info, school_id)
    return local_today(info.context.runtime.settings.clock(), zone(school.timezone))


@strawberry.type
class Invoice(Node):
    view: strawberry.Private[InvoiceView]
    number: str
    title: str
    issued_on: date
    due_on: date
    total: Money
    paid: Money
    credited: Money
    due: Money = strawberry.field(description="total - paid - credited, never below zero.")
    structured_communication: str
    # Named, not imported (schema.family imports this module); to Python, the Child itself.
    child: "ChildInvoices" = strawberry.field(
        graphql_type=Annotated["Child", strawberry.lazy("schema.family")]  # noqa: F821
    )
    known: strawberry.Private[LiveInvoice | None] = None

    @strawberry.field
    async def status(self, info: Info) -> InvoiceStatus:
        if self.known is not None:  # a live event knows the school's time zone
            timezone = self.known.timezone
        else:
            timezone = (await school_view(info, self.view.school_id)).timezone
        return status_of(self.view, info.context.runtime.settings.clock(), zone(timezone))

    @strawberry.field
    async def lines(self, info: Info) -> list[InvoiceLine]:
        if self.known is not None:  # read with it (a live event): no read per watcher
            return [
                InvoiceLine.of(x.label, x.quantity, x.unit_price_cents) for x in self.known.lines
            ]
        rows = await read(info, lambda s: reading.lines_of(s, self.view.id))
        return [InvoiceLine.of(r.label, r.quantity, r.unit_price_cents) for r in rows]

    @strawberry.field(description="Oldest first.")
    async def payments(self, info: Info) -> list[InvoicePaymentItem]:
        if self.known is not None:
            return [InvoicePaymentItem.of(p) for p in self.known.payments]
        rows = await read(info, lambda s: reading.payments_of(s, self.view.id))
        return [InvoicePaymentItem.of(row) for row in rows]

    @strawberry.field(description='Its PDF as issued (kind "invoice").')
    async def document(self, info: Info) -> Document:
        actor, document_id = actor_of(info), self.view.document_id
        try:
            if document_id is None:  # parents never reach an unpublished invoice
                raise NotFound()
            view = await read(info, lambda s: access.document_for(s, actor, document_id))
        except DomainError as error:
            raise refused(info, error) from None
        return Document.seen_by(info, actor, view)

    @classmethod
    def from_live(cls, live: LiveInvoice, child: "ChildInvoices") -> "Invoice":
        """With its lines and payments already read (an invoiceChanged event, its snapshot)."""
        invoice = cls.from_view(live.invoice, child)
        invoice.known = live
        return invoice

    @classmethod
    def from_view(cls, view: InvoiceView, child: "ChildInvoices") -> "Invoice":
        return cls(
            child=child,
            id=to_global_id("Invoice", view.id),
            view=view,
            number=invoice_number(view),
            title=view.title,
            issued_on=view.issued_on,
            due_on=view.due_on,
            total=money(view.total_cents),
            paid=money(view.paid_cents),
            credited=money(view.credited_cents),
            due=money(view.due_cents),
            structured_communication=view.communication,
        )


@strawberry.type
class InvoiceEvent:
    invoice: Invoice
    change: InvoiceChange | None = strawberry.field(description="Null in the snapshot.")
    sequence: int

    @classmethod
    def from_payload(cls, payload: dict[str, Any], child: "ChildInvoices") -> "InvoiceEvent":
        """An invoiceChanged event from its payload alone (no database read per watcher)."""
        return cls(
            invoice=Invoice.from_live(LiveInvoice.from_json(payload["invoice"]), child),
            change=InvoiceChange(payload["change"]),
            sequence=int(payload["sequence"]),
        )

    @classmethod
    def snapshot(cls, live: LiveInvoice, child: "ChildInvoices", sequence: int) -> "InvoiceEvent":
        return cls(invoice=Invoice.from_live(live, child), change=None, sequence=sequence)


@strawberry.type
class InvoiceEdge:
    node: Invoice
    cursor: str


@strawberry.type
class InvoiceConnection:
    edges: list[InvoiceEdge]
    page_info: PageInfo


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None = None
    wallet: Wallet | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="Staff: the school's invoice reminders and wallet payments.")
class InvoiceSettings:
    reminders_enabled: bool = strawberry.field(
        description="Guardians get a reminder before the due date and one once overdue."
    )
    reminder_days_before: int = strawberry.field(description="1 to 30 days before the due date.")
    partial_payments: bool = strawberry.field(
        description="payInvoiceFromWallet pays what the wallet holds when it holds less than due."
    )
    address_lines: list[str] = strawberry.field(
        description="The school's postal address as printed on invoices (empty: none yet)."
    )

    @classmethod
    def from_view(cls, view: InvoiceSettingsView) -> "InvoiceSettings":
        return cls(
            reminders_enabled=view.reminders,
            reminder_days_before=view.reminder_days_before,
            partial_payments=view.partial_payments,
            address_lines=list(view.address),
        )


@strawberry.type
class InvoiceSettingsPayload:
    settings: InvoiceSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InvoiceTotals:
    count: int
    total: Money
    paid: Money
    credited: Money
    due: Money


@strawberry.type
class InvoiceList:
    invoices: list[Invoice]
    totals: InvoiceTotals = strawberry.field(
        description="Of every invoice matching, not just these."
    )


@strawberry.input
class InvoiceLineInput:
    label: str
    quantity: int
    unit_price_cents: int


def _cursor(view: InvoiceView) -> str:
    return encode_cursor(view.issued_on.isoformat(), str(view.id))


def _parse_cursor(after: str) -> tuple[date, int]:
    parts = decode_cursor(after, 2)
    try:
        assert parts is not None
        return date.fromisoformat(parts[0]), int(parts[1])
    except (AssertionError, ValueError):
        raise InvalidArgumentError("after") from None


@strawberry.type
class ChildInvoices:
    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]

    @strawberry.field(description="Newest first.")
    async def invoices(
        self,
        info: Info,
        status: InvoiceStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> InvoiceConnection:
        actor, child_id, size = actor_of(info), self.db_id, 20 if first is None else first
        cursor = None if after is None else _parse_cursor(after)
        today = await school_today(info, self.school_id)
        try:
            views = await read(
                info,
                lambda s: reading.child_invoices(
                    s, actor, child_id, status=status, today=today, first=size, after=cursor
                ),
            )
        except DomainError as error:
            raise refused(info, error) from None
        page = views[:size]
        edges = [InvoiceEdge(node=Invoice.from_view(v, self), cursor=_cursor(v)) for v in page]
        return InvoiceConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(views) > size,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


async def open_invoices(info: Info, child: "ChildInvoices", limit: int) -> list[Invoice]:
    actor, today = actor_of(info), await school_today(info, child.school_id)
    child_id = child.db_id
    try:
        views = await read(
            info, lambda s: reading.open_invoices(s, actor, child_id, today=today, limit=limit)
        )
    except DomainError as error:
        raise refused(info, error) from None
    return [Invoice.from_view(v, child) for v in views]
