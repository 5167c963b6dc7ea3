"""Staff pay an invoice with an unmatched line: through billing's one payment path, exactly
once however many clerks click, with who did it on the line, and one receipt per guardian."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from models.accounts import Role
from models.billing import Invoice
from models.family import Guardianship
from models.mail import OutboxMail
from services.banking import assigning, queue
from services.banking.importing import ImportResult
from services.banking.receipts import mail_pending_receipts
from services.billing import issuing
from services.billing.publishing import publish_invoices
from services.billing.views import InvoiceView, LineInput
from services.common.errors import DomainError, ErrorCode
from services.demo.statement_files import Movement, camt053_file, statement
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from tests.factories import Person, actor_for, make_school, make_user
from tests.services.banking.helpers import Setting, balances, import_file, setting
from tests.support.mail import mails_to, text_of


async def invoice_of(tx: Transactions, s: Setting, runtime: Runtime, total_cents: int) -> int:
    """A published invoice of the first family's child (its guardians got the invoice mail)."""
    child_id = s.families[0].child.id
    assert child_id is not None
    invoice = await tx.run(
        lambda uow: issuing.issue_invoice(
            uow,
            actor_for(s.staff),
            child_id,
            "Classe de neige",
            [LineInput("Séjour", 1, total_cents)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    assert await publish_invoices(tx, runtime.storage, [invoice.id]) == [invoice.id]
    return invoice.id


async def read_invoice(tx: Transactions, invoice_id: int) -> InvoiceView:
    row = await tx.read(lambda s: s.get(Invoice, invoice_id, populate_existing=True))
    assert row is not None
    return InvoiceView.of(row)


async def unmatched_line(tx: Transactions, s: Setting, cents: int, number: int) -> int:
    """A credit line without communication, waiting in the queue: its id."""
    movement = Movement(cents, f"L{number}", free_text="neige", counterparty_name="X")
    result = await import_file(tx, s.staff, camt053_file(statement(movement, number=number)))
    assert isinstance(result, ImportResult) and result.unmatched == 1
    lines = await tx.read(lambda session: queue.unmatched_lines(session, actor_for(s.staff)))
    return next(line.id for line in lines if line.amount_cents == cents)


async def outbox_count(tx: Transactions) -> int:
    found = await tx.read(lambda s: s.scalar(select(func.count(col(OutboxMail.id)))))
    return int(found or 0)


async def second_guardian(tx: Transactions, s: Setting, locale: str) -> Person:
    person = await make_user(tx, s.school, Role.PARENT, locale=locale)
    child_id = s.families[0].child.id
    assert child_id is not None

    async def work(uow: UnitOfWork) -> None:
        uow.session.add(Guardianship(school_id=s.school_id, parent_id=person.id, child_id=child_id))

    await tx.run(work)
    return person


async def refused(tx: Transactions, work: Callable[[UnitOfWork], Awaitable[Any]]) -> ErrorCode:
    try:
        await tx.run(work)
    except DomainError as error:
        return error.code
    raise AssertionError("accepted")


async def test_a_line_assigned_to_an_invoice_pays_it_once_and_the_excess_tops_up(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1, locales=("nl",))
    english = await second_guardian(tx, s, "en")
    invoice_id = await invoice_of(tx, s, runtime, 12_000)
    line_id = await unmatched_line(tx, s, 12_500, 90)
    mails_before = await outbox_count(tx)
    staff = actor_for(s.staff)

    line, paid, excess = await tx.run(
        lambda uow: assigning.assign_line_to_invoice(uow, staff, line_id, invoice_id=invoice_id)
    )

    assert (paid.paid_cents, paid.due_cents) == (12_000, 0)
    meals = s.wallets[0][0]
    assert excess is not None and (excess.id, excess.balance_cents) == (meals.id, 500)
    assert (line.status, line.invoice_id, line.wallet_id) == ("CREDITED", invoice_id, meals.id)
    assert line.handled_by == s.staff.user.display_name and line.handled_at is not None
    assert await balances(tx, s) == [[500, 0]]
    # One mail per guardian, in their language; billing's own receipt is not sent besides.
    assert await outbox_count(tx) == mails_before + 2
    dutch = text_of((await mails_to(runtime, s.families[0].parent.user.email))[-1])
    assert "overschrijving van €\xa0125,00 ontvangen" in dutch
    assert "€\xa0120,00 ging naar betalingsverzoek" in dutch and "volledig betaald" in dutch
    assert "overschot van €\xa05,00" in dutch and "nieuw saldo €\xa05,00" in dutch
    text = text_of((await mails_to(runtime, english.user.email))[-1])
    assert "€120.00 went to payment request" in text and "paid in full" in text

    # Handled: another clerk's assignment or return credits nothing and says why.
    for again in (
        lambda uow: assigning.assign_line_to_invoice(uow, staff, line_id, invoice_id=invoice_id),
        lambda uow: assigning.assign_line(uow, staff, line_id, wallet_id=s.wallets[0][1].id),
        lambda uow: assigning.return_line(uow, staff, line_id, "non"),
    ):
        assert await refused(tx, again) == ErrorCode.ALREADY_HANDLED
    # The background loop finds no receipt left to send: never twice.
    assert await mail_pending_receipts(tx) == 0
    assert await outbox_count(tx) == mails_before + 2
    assert (await read_invoice(tx, invoice_id)).paid_cents == 12_000
    assert await balances(tx, s) == [[500, 0]]


async def test_a_partial_payment_tells_what_is_still_due(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1, locales=("fr",))
    invoice_id = await invoice_of(tx, s, runtime, 12_000)
    line_id = await unmatched_line(tx, s, 5_000, 91)
    staff = actor_for(s.staff)

    _, paid, excess = await tx.run(
        lambda uow: assigning.assign_line_to_invoice(uow, staff, line_id, invoice_id=invoice_id)
    )

    assert (paid.paid_cents, paid.due_cents, excess) == (5_000, 7_000, None)
    assert await balances(tx, s) == [[0, 0]]
    mail = text_of((await mails_to(runtime, s.families[0].parent.user.email))[-1])
    assert "Reste à payer sur cette demande de paiement : 70,00\xa0€" in mail


async def test_two_clerks_assigning_one_line_at_once_credit_it_once(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1)
    other = actor_for(await make_user(tx, s.school, Role.STAFF))
    invoice_id = await invoice_of(tx, s, runtime, 3_000)
    line_id = await unmatched_line(tx, s, 4_000, 92)
    mails_before = await outbox_count(tx)
    staff = actor_for(s.staff)

    results = await asyncio.gather(
        tx.run(
            lambda uow: assigning.assign_line_to_invoice(uow, staff, line_id, invoice_id=invoice_id)
        ),
        tx.run(
            lambda uow: assigning.assign_line_to_invoice(uow, other, line_id, invoice_id=invoice_id)
        ),
        tx.run(
            lambda uow: assigning.assign_line(uow, other, line_id, wallet_id=s.wallets[0][1].id)
        ),
        return_exceptions=True,
    )

    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 2, results
    assert all(isinstance(f, DomainError) and f.code == ErrorCode.ALREADY_HANDLED for f in failures)
    invoice = await read_invoice(tx, invoice_id)
    got = await balances(tx, s)
    if invoice.paid_cents:  # one of the invoice assignments won: €30 paid, €10 on the wallet
        assert (invoice.paid_cents, got) == (3_000, [[1_000, 0]])
    else:  # the wallet assignment won
        assert got == [[0, 4_000]]
    assert await outbox_count(tx) == mails_before + 1  # one receipt, for the one credit


async def test_refused_assignments_change_nothing(tx: Transactions, runtime: Runtime) -> None:
    s = await setting(tx, families=1)
    invoice_id = await invoice_of(tx, s, runtime, 2_000)
    line_id = await unmatched_line(tx, s, 2_000, 93)
    staff, parent = actor_for(s.staff), actor_for(s.families[0].parent)
    elsewhere = await setting(tx, families=1)
    foreign_invoice = await invoice_of(tx, elsewhere, runtime, 2_000)

    def to(invoice: int, actor: Any = staff) -> Callable[[UnitOfWork], Awaitable[Any]]:
        return lambda uow: assigning.assign_line_to_invoice(uow, actor, line_id, invoice_id=invoice)

    assert await refused(tx, to(invoice_id, parent)) == ErrorCode.FORBIDDEN
    assert await refused(tx, to(foreign_invoice)) == ErrorCode.NOT_FOUND
    assert await refused(tx, to(invoice_id + 10_000)) == ErrorCode.NOT_FOUND
    # Another school's clerk does not reach this school's line.
    assert (
        await refused(
            tx,
            lambda uow: assigning.assign_line_to_invoice(
                uow, actor_for(elsewhere.staff), line_id, invoice_id=foreign_invoice
            ),
        )
        == ErrorCode.NOT_FOUND
    )
    paying = await unmatched_line(tx, s, 2_500, 94)
    await tx.run(
        lambda uow: assigning.assign_line_to_invoice(uow, staff, paying, invoice_id=invoice_id)
    )
    assert await refused(tx, to(invoice_id)) == ErrorCode.NOTHING_DUE  # paid by the other line
    [line] = await tx.read(lambda session: queue.unmatched_lines(session, staff))
    assert (line.id, line.status) == (line_id, "UNMATCHED")
    assert await balances(tx, s) == [[500, 0]]  # the other line's excess only
    assert await balances(tx, elsewhere) == [[0, 0]]
    assert (await read_invoice(tx, foreign_invoice)).paid_cents == 0


async def test_an_imported_line_paying_an_invoice_mails_one_receipt(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1, locales=("en",))
    invoice_id = await invoice_of(tx, s, runtime, 9_000)
    communication = (await read_invoice(tx, invoice_id)).communication
    digits = "".join(c for c in communication if c.isdigit())
    before = await outbox_count(tx)
    data = camt053_file(
        statement(
            Movement(4_000, "I1", communication=digits),
            Movement(6_000, "I2", communication=digits),
            number=95,
        )
    )

    result = await import_file(tx, s.staff, data)  # mails the pending receipts after

    assert isinstance(result, ImportResult) and result.credited == 2
    assert await outbox_count(tx) == before + 2  # one per paid line, no billing receipt
    first, second = [
        text_of(m) for m in (await mails_to(runtime, s.families[0].parent.user.email))[-2:]
    ]
    assert "€40.00 went to payment request" in first and "Still to pay" in first
    assert "€50.00 went to payment request" in second and "paid in full" in second
    assert "€10.00 was added to the wallet" in second
    assert await mail_pending_receipts(tx) == 0
    assert await balances(tx, s) == [[1_000, 0]]


async def test_a_school_without_that_invoice_is_not_found(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    code = await refused(
        tx, lambda uow: assigning.assign_line_to_invoice(uow, staff, 1, invoice_id=1)
    )
    assert code == ErrorCode.NOT_FOUND


async def test_a_line_paying_an_unpublished_invoice_tells_only_of_the_wallet(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=1, locales=("en",))
    child_id = s.families[0].child.id
    assert child_id is not None
    staff = actor_for(s.staff)
    invoice = await tx.run(
        lambda uow: issuing.issue_invoice(
            uow, staff, child_id, "Atelier", [LineInput("Atelier", 1, 1_000)],
            date(2026, 11, 2), date(2026, 11, 30),
        )
    )  # fmt: skip
    exact = await unmatched_line(tx, s, 600, 96)
    more = await unmatched_line(tx, s, 700, 97)
    before = await outbox_count(tx)
    told = len(await mails_to(runtime, s.families[0].parent.user.email))

    for line_id in (exact, more):
        await tx.run(
            lambda uow, line_id=line_id: assigning.assign_line_to_invoice(  # type: ignore[misc]
                uow, staff, line_id, invoice_id=invoice.id
            )
        )

    assert (await read_invoice(tx, invoice.id)).paid_cents == 1_000
    # Nothing about the invoice; the €3 that reached the wallet is told as a wallet credit.
    [mail] = (await mails_to(runtime, s.families[0].parent.user.email))[told:]
    assert "new balance €3.00" in text_of(mail) and "payment request" not in text_of(mail)
    assert await outbox_count(tx) == before + 1
