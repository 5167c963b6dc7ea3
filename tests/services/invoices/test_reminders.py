"""Invoice reminders as a guardian receives them: days before the due date, then once overdue
(school time), once per stage however many processes run them, never for what is settled."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from mailer.outbox import Outbox
from models.accounts import Role
from models.billing import InvoicePaymentMethod, InvoiceReminder
from models.db import open_database
from models.family import School
from services.banking.reconciler import Reconciler
from services.billing.crediting import credit_invoice
from services.billing.issuing import issue_invoice
from services.billing.paying import pay_invoice
from services.billing.publishing import publish_invoices
from services.billing.reminders import send_invoice_reminders
from services.billing.settings import set_invoice_settings
from services.billing.views import InvoiceView, LineInput
from services.common.mail_preferences import set_preference
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings
from storage.local import LocalStorage
from tests.factories import Family, actor_for, make_family, make_school, make_user, pk
from tests.support.clock import FakeClock
from tests.support.mail import mails_to, text_of

DUE = date(2026, 12, 18)  # a Friday
# Brussels is UTC+1 in December: local midnight is 23:00 UTC the day before.
DAY_BEFORE_WINDOW_END = datetime(2026, 12, 14, 22, 59, 59, tzinfo=UTC)  # 14th 23:59:59
WINDOW_START = datetime(2026, 12, 14, 23, 0, tzinfo=UTC)  # 15th 00:00, three days before
LAST_DUE_SECOND = datetime(2026, 12, 18, 22, 59, 59, tzinfo=UTC)  # 18th 23:59:59
OVERDUE_FROM = datetime(2026, 12, 18, 23, 0, tzinfo=UTC)  # 19th 00:00
REMINDER_SUBJECTS = (
    "arrive à échéance",
    "est en retard",
    "vervalt binnenkort",
    "is vervallen",
    "is due soon",
    "is overdue",
)


@pytest.fixture(scope="module")
def settings(settings: Settings) -> Settings:
    """The app's own periodic loop stays asleep: these tests run the reminders themselves."""
    return settings.model_copy(update={"reconcile_poll_seconds": 3600.0})


@pytest.fixture(autouse=True)
async def reminders_off_afterwards(tx: Transactions) -> AsyncIterator[None]:
    """Each test counts its own reminders: the schools of earlier tests stop sending."""
    yield

    async def off(uow: UnitOfWork) -> None:
        await uow.session.execute(update(School).values(invoice_reminders=False))

    await tx.run(off)


async def billed(
    tx: Transactions,
    settings: Settings,
    locales: tuple[str, ...] = ("fr",),
    issued: date = date(2026, 12, 1),
) -> tuple[School, list[Family], list[InvoiceView]]:
    """One published invoice (due on DUE) per family, one family per locale."""
    school = await make_school(tx, name="École Les Tilleuls")
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    families, invoices = [], []
    for locale in locales:
        family = await make_family(tx, school, locale=locale)
        invoice = await tx.run(
            lambda uow, f=family: issue_invoice(  # type: ignore[misc]
                uow,
                staff,
                pk(f.child),
                "Classe verte",
                [LineInput("Séjour", 1, 120_00)],
                issued,
                DUE,
            )
        )
        families.append(family)
        invoices.append(invoice)
    storage = LocalStorage(settings.documents_dir)
    await publish_invoices(tx, storage, [invoice.id for invoice in invoices])
    return school, families, invoices


async def reminders_to(runtime: Runtime, family: Family) -> list[EmailMessage]:
    """The reminder mails of that family's parent (not the new-invoice mail)."""
    mails = await mails_to(runtime, family.parent.user.email)
    return [mail for mail in mails if str(mail["subject"]).endswith(REMINDER_SUBJECTS)]


def subjects(mails: list[EmailMessage]) -> list[str]:
    return [str(mail["subject"]) for mail in mails]


async def reminder_rows(tx: Transactions, invoice_id: int) -> list[str]:
    rows = await tx.read(
        lambda s: s.scalars(
            select(col(InvoiceReminder.stage))
            .where(col(InvoiceReminder.invoice_id) == invoice_id)
            .order_by(col(InvoiceReminder.id))
        )
    )
    return list(rows)


async def test_before_the_due_date_then_overdue_on_the_right_days_in_each_language(
    tx: Transactions, runtime: Runtime, settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    _, families, invoices = await billed(tx, settings, ("fr", "nl", "en"))
    fr, nl, en = families
    assert await send_invoice_reminders(tx) == 0  # issued today, due in 17 days

    clock.set(DAY_BEFORE_WINDOW_END)
    assert await send_invoice_reminders(tx) == 0
    clock.set(WINDOW_START)
    assert await send_invoice_reminders(tx) == 3
    assert await send_invoice_reminders(tx) == 0
    number = f"2026-{invoices[0].number:04d}"
    [before_fr] = await reminders_to(runtime, fr)
    assert before_fr["subject"] == (
        f"École Les Tilleuls : la demande de paiement {number} pour "
        f"{fr.child.first_name} {fr.child.last_name} arrive à échéance"
    )
    body = text_of(before_fr)
    assert "arrive à échéance le vendredi 18 décembre 2026." in body
    assert "Reste à payer : 120,00\u00a0€" in body
    assert invoices[0].communication in body and "BE71 0961 2345 6769" in body
    [before_nl] = await reminders_to(runtime, nl)
    assert str(before_nl["subject"]).endswith("vervalt binnenkort")
    assert "vervalt op vrijdag 18 december 2026." in text_of(before_nl)
    [before_en] = await reminders_to(runtime, en)
    assert str(before_en["subject"]).endswith("is due soon")
    assert "is due on Friday, 18 December 2026." in text_of(before_en)
    assert "Still to pay: €120.00" in text_of(before_en)

    clock.set(LAST_DUE_SECOND)  # still the due date in Brussels: not overdue
    assert await send_invoice_reminders(tx) == 0
    clock.set(OVERDUE_FROM)
    assert await send_invoice_reminders(tx) == 3
    clock.advance(days=10)
    assert await send_invoice_reminders(tx) == 0
    [_, overdue_fr] = await reminders_to(runtime, fr)
    assert str(overdue_fr["subject"]).endswith("est en retard")
    assert "était à régler pour le vendredi 18 décembre 2026" in text_of(overdue_fr)
    [_, overdue_nl] = await reminders_to(runtime, nl)
    assert str(overdue_nl["subject"]).endswith("is vervallen")
    [_, overdue_en] = await reminders_to(runtime, en)
    assert str(overdue_en["subject"]).endswith("is overdue")
    assert "was due on Friday, 18 December 2026" in text_of(overdue_en)
    assert await reminder_rows(tx, invoices[0].id) == ["BEFORE_DUE", "OVERDUE"]


async def test_four_processes_at_once_send_each_stage_once(
    tx: Transactions,
    runtime: Runtime,
    settings: Settings,
    clock: FakeClock,
    database_url: str,
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    _, families, invoices = await billed(tx, settings, ("fr",) * 6)
    others = [open_database(database_url) for _ in range(3)]
    processes = [tx] + [
        Transactions(database, settings, outbox=Outbox.from_settings(settings))
        for database in others
    ]
    try:
        for moment in (WINDOW_START, OVERDUE_FROM):
            clock.set(moment)
            sent = await asyncio.gather(*(send_invoice_reminders(p) for p in processes))
            assert sum(sent) == len(invoices), sent
    finally:
        for database in others:
            await database.dispose()
    for family, invoice in zip(families, invoices, strict=True):
        assert len(await reminders_to(runtime, family)) == 2
        assert await reminder_rows(tx, invoice.id) == ["BEFORE_DUE", "OVERDUE"]


async def test_nothing_for_paid_credited_unpublished_invoices_nor_when_switched_off(
    tx: Transactions, runtime: Runtime, settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    school, families, invoices = await billed(tx, settings, ("fr",) * 4)
    paid, credited, partly, off_then_on = zip(families, invoices, strict=True)
    await tx.run(
        lambda uow: pay_invoice(
            uow, paid[1].id, 120_00, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:1"
        )
    )
    await tx.run(
        lambda uow: pay_invoice(
            uow, partly[1].id, 20_00, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:2"
        )
    )
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    await tx.run(lambda uow: credit_invoice(uow, staff, credited[1].id, 120_00, "Annulé"))
    # Issued but never published (no PDF yet): the parent does not know it, no reminder.
    unpublished = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(families[0].child),
            "Piscine",
            [LineInput("Entrée", 1, 5_00)],
            date(2026, 12, 1),
            DUE,
        )
    )
    await tx.run(lambda uow: set_invoice_settings(uow, staff, reminders=False))
    clock.set(WINDOW_START)
    assert await send_invoice_reminders(tx) == 0
    await tx.run(lambda uow: set_invoice_settings(uow, staff, reminders=True))
    assert await send_invoice_reminders(tx) == 2  # the partly paid one and the last one
    [mail] = await reminders_to(runtime, partly[0])
    assert "Reste à payer : 100,00\u00a0€" in text_of(mail)
    assert await reminders_to(runtime, paid[0]) == []
    assert await reminders_to(runtime, credited[0]) == []
    assert await reminder_rows(tx, unpublished.id) == []

    # Paid after the first reminder: no overdue one.
    await tx.run(
        lambda uow: pay_invoice(
            uow, partly[1].id, 100_00, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t:3"
        )
    )
    clock.set(OVERDUE_FROM)
    assert await send_invoice_reminders(tx) == 1
    assert len(await reminders_to(runtime, partly[0])) == 1
    assert len(await reminders_to(runtime, off_then_on[0])) == 2
    count = await tx.read(
        lambda s: s.scalar(
            select(func.count()).where(col(InvoiceReminder.invoice_id) == unpublished.id)
        )
    )
    assert count == 0


async def test_days_before_follow_the_school_setting(
    tx: Transactions, runtime: Runtime, settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    school, [family], _ = await billed(tx, settings)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    await tx.run(lambda uow: set_invoice_settings(uow, staff, reminder_days_before=7))
    clock.set(datetime(2026, 12, 10, 22, 59, tzinfo=UTC))  # 10th 23:59: 8 days before
    assert await send_invoice_reminders(tx) == 0
    clock.set(datetime(2026, 12, 10, 23, 0, tzinfo=UTC))  # 11th: 7 days before
    # The app's periodic loop (the reconciler's round) sends them too.
    await Reconciler(tx, runtime.payments).run_once()
    assert len(await reminders_to(runtime, family)) == 1
    assert await send_invoice_reminders(tx) == 0


async def test_an_invoice_issued_days_before_its_due_date_is_only_reminded_once_overdue(
    tx: Transactions, runtime: Runtime, settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 16, 9, 0, tzinfo=UTC))
    _, [family], [invoice] = await billed(tx, settings, issued=date(2026, 12, 16))
    assert await send_invoice_reminders(tx) == 0  # its new-invoice mail went out today
    clock.set(LAST_DUE_SECOND)
    assert await send_invoice_reminders(tx) == 0
    clock.set(OVERDUE_FROM)
    assert await send_invoice_reminders(tx) == 1
    assert subjects(await reminders_to(runtime, family))[0].endswith("est en retard")
    assert await reminder_rows(tx, invoice.id) == ["OVERDUE"]


async def test_a_parent_who_turned_reminders_off_gets_none(
    tx: Transactions, runtime: Runtime, settings: Settings, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    _, [quiet, told], [invoice, _] = await billed(tx, settings, ("fr", "fr"))
    await tx.run(
        lambda uow: set_preference(uow, actor_for(quiet.parent), "invoice_reminder", False)
    )
    clock.set(WINDOW_START)
    assert await send_invoice_reminders(tx) == 2  # each stage is claimed all the same
    assert await reminders_to(runtime, quiet) == []
    assert len(await reminders_to(runtime, told)) == 1
    assert await reminder_rows(tx, invoice.id) == ["BEFORE_DUE"]
