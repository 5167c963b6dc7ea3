"""Reminder mails for invoices: one some days before the due date, one once it is overdue.

    sent = await send_invoice_reminders(tx)   # the app's periodic loop, or `cli invoice-reminders`

Days are the school's (its time zone). Only published invoices with something due are
reminded, in each guardian's language, and only where the school has reminders on. Each
reminder is claimed by inserting its (invoice, stage) row, unique, in the transaction that
queues its mails: however many processes run this at once, a stage is mailed once.
"""

import functools
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice, InvoiceReminder, InvoiceReminderStage
from models.db import dialect_insert
from models.family import Child, School
from services.billing.publishing import school_details
from services.billing.receipts import invoice_number
from services.billing.status import InvoiceStatus, status_of
from services.billing.views import InvoiceView
from services.common.notify import send_mail
from services.common.school_time import local_today, zone
from services.family.guardians import guardian_accounts
from services.sql.uow import Transactions, UnitOfWork

BATCH = 100

# The status an invoice must have, at the moment of sending, for each stage.
_STATUS = {
    InvoiceReminderStage.BEFORE_DUE: InvoiceStatus.OPEN,
    InvoiceReminderStage.OVERDUE: InvoiceStatus.OVERDUE,
}


async def send_invoice_reminders(tx: Transactions) -> int:
    """The reminders due now, each invoice in its own short transaction; answers how many
    reminders this call sent (a stage another process sent first does not count)."""
    sent = 0
    tried: set[tuple[int, str]] = set()
    while True:
        due = [item for item in await tx.read(lambda s: _due(s, tx.now())) if item not in tried]
        if not due:
            return sent
        for invoice_id, stage in due:
            tried.add((invoice_id, stage))
            if await tx.run(functools.partial(_remind, invoice_id=invoice_id, stage=stage)):
                sent += 1


def _not_reminded(stage: InvoiceReminderStage):  # type: ignore[no-untyped-def]
    return ~exists().where(
        col(InvoiceReminder.invoice_id) == col(Invoice.id),
        col(InvoiceReminder.stage) == stage.value,
    )


def _before_due_window(due_on: date, issued_on: date, days: int, today: date) -> bool:
    """From `days` days before the due date to the due date itself; not for an invoice issued
    inside that window (its new-invoice mail is recent enough)."""
    start = due_on - timedelta(days=days)
    return start <= today <= due_on and issued_on < start


async def _due(session: AsyncSession, now: datetime) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    schools = (
        await session.execute(
            select(
                col(School.id), col(School.timezone), col(School.invoice_reminder_days_before)
            ).where(col(School.invoice_reminders))
        )
    ).all()
    for school_id, timezone, days in schools:
        today = local_today(now, zone(str(timezone)))
        open_and_published = and_(
            col(Invoice.school_id) == school_id,
            col(Invoice.document_id).is_not(None),
            col(Invoice.published_at).is_not(None),
            col(Invoice.paid_cents) + col(Invoice.credited_cents) < col(Invoice.total_cents),
        )
        overdue = await session.scalars(
            select(col(Invoice.id))
            .where(open_and_published, col(Invoice.due_on) < today)
            .where(_not_reminded(InvoiceReminderStage.OVERDUE))
            .order_by(col(Invoice.id))
            .limit(BATCH)
        )
        found += [(int(i or 0), InvoiceReminderStage.OVERDUE.value) for i in overdue]
        soon = await session.execute(
            select(col(Invoice.id), col(Invoice.due_on), col(Invoice.issued_on))
            .where(
                open_and_published,
                col(Invoice.due_on) >= today,
                col(Invoice.due_on) <= today + timedelta(days=int(days)),
            )
            .where(_not_reminded(InvoiceReminderStage.BEFORE_DUE))
            .order_by(col(Invoice.id))
        )  # no LIMIT: those issued inside the window, left out below, would hide the others
        found += [
            (int(i or 0), InvoiceReminderStage.BEFORE_DUE.value)
            for i, due_on, issued_on in soon
            if _before_due_window(due_on, issued_on, int(days), today)
        ]
        if len(found) >= BATCH:
            break
    return found[:BATCH]


async def _remind(uow: UnitOfWork, *, invoice_id: int, stage: str) -> bool:
    invoice = await uow.session.get(Invoice, invoice_id, populate_existing=True)
    if invoice is None or invoice.published_at is None:
        return False
    school = await uow.session.get(School, invoice.school_id)
    assert school is not None
    view = InvoiceView.of(invoice)
    wanted = InvoiceReminderStage(stage)
    # Checked again in this transaction: paid or credited meanwhile means no reminder.
    if (
        not school.invoice_reminders
        or status_of(view, uow.now, zone(school.timezone)) is not (_STATUS[wanted])
    ):
        return False
    claimed = await uow.session.scalar(
        dialect_insert(uow.dialect)(InvoiceReminder)
        .values(invoice_id=invoice_id, stage=wanted.value, sent_at=uow.now)
        .on_conflict_do_nothing(index_elements=["invoice_id", "stage"])
        .returning(col(InvoiceReminder.id))
    )
    if claimed is None:
        return False  # another process sent this stage
    child = await uow.session.get(Child, invoice.child_id)
    assert child is not None
    # The account is printed as on the invoice; a school without one (never expected for a
    # published invoice) still gets its reminder.
    iban = school_details(school).iban_display if school.bank_iban else ""
    for user in await guardian_accounts(uow.session, invoice.child_id):
        await send_mail(
            uow,
            to=user.email,
            template="invoice_reminder",
            locale=user.locale,
            school_id=invoice.school_id,
            context={
                "overdue": wanted is InvoiceReminderStage.OVERDUE,
                "school_name": school.name,
                "display_name": user.display_name,
                "child_name": f"{child.first_name} {child.last_name}",
                "title": invoice.title,
                "number": invoice_number(view),
                "due_cents": view.due_cents,
                "due_on": invoice.due_on,
                "communication": view.communication,
                "iban": iban,
            },
        )
    return True
