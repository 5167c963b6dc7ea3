"""Receipt mails for credited statement lines: the guardians of the child a line credited learn,
each in their own language, that their transfer arrived. One mail per line and guardian: a line
that paid an invoice says what it paid, what is still due and where any excess went
(`invoice_transfer_received`); a line that reached only a wallet, its new balance
(`bank_transfer_received`). Never twice: a line's receipt is taken once, by a conditional UPDATE
of its `receipt_pending` mark, whoever renders it."""

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.banking import BankStatement, BankStatementLine
from models.billing import Invoice, InvoicePayment
from models.family import Child, Guardianship, School
from models.ledger import Posting
from models.mail import OutboxMail
from models.wallets import Wallet
from services.billing.receipts import invoice_number
from services.billing.views import InvoiceView
from services.sql.uow import MailQueue, Transactions, UnitOfWork

CHUNK = 500
Found = list[tuple[int, list[dict[str, Any]]]]  # per line: the mails to add (send_mail's args)
Marked = Select[BankStatementLine, date, Posting, Wallet, Invoice, InvoicePayment]


async def mail_pending_receipts(tx: Transactions, *, batch: int = 200) -> int:
    """The receipts of lines an import credited, into the outbox: rendered outside any write
    transaction (milliseconds each), then added in a short one that takes each line's receipt
    once, so two processes never mail one twice. The import leaves the lines marked; this runs
    after its commit and in the background loop, so none is lost."""
    outbox = tx.outbox
    if outbox is None:
        return 0
    total = 0
    while True:
        now = tx.now()
        found = await tx.read(lambda session: _pending(session, _marked().limit(batch)))
        if not found:
            return total
        # Rendering is CPU work: in a thread, so the event loop keeps serving meanwhile.
        prepared = await asyncio.to_thread(_render, outbox, now, found)
        total += await tx.run(lambda uow, ready=prepared: _add(uow, ready))  # type: ignore[misc]


async def mail_line_receipts(uow: UnitOfWork, line_ids: Sequence[int]) -> int:
    """The receipts of lines this unit of work credited and marked (a clerk's assignment): into
    its own outbox, so the mail and the credit commit together."""
    if uow.outbox is None:
        raise RuntimeError("this unit of work has no mail outbox")
    query = _marked().where(col(BankStatementLine.id).in_(list(line_ids)))
    found = await _pending(uow.session, query)
    return await _add(uow, _render(uow.outbox, uow.now, found))


def _render(outbox: MailQueue, now: datetime, found: Found) -> list[tuple[int, list[OutboxMail]]]:
    return [
        (line_id, [outbox.prepare(now=now, **mail) for mail in mails]) for line_id, mails in found
    ]


def _marked() -> Marked:
    """The marked lines with what their mail tells: the wallet posting of their transaction
    (none when an invoice took it all) and the invoice they paid, if any, with how much."""
    line = BankStatementLine
    return (
        select(line, col(BankStatement.statement_date), Posting, Wallet, Invoice, InvoicePayment)
        .join(BankStatement, col(BankStatement.id) == col(line.statement_id))
        .outerjoin(
            Posting,
            (col(Posting.transaction_id) == col(line.transaction_id))
            & col(Posting.wallet_id).is_not(None),
        )
        .outerjoin(Wallet, col(Wallet.id) == col(Posting.wallet_id))
        .outerjoin(Invoice, col(Invoice.id) == col(line.invoice_id))
        .outerjoin(
            InvoicePayment,
            (col(InvoicePayment.transaction_id) == col(line.transaction_id))
            & (col(InvoicePayment.invoice_id) == col(line.invoice_id)),
        )
        .where(col(line.receipt_pending))
        .order_by(col(line.id))
        # The clerk's unit of work holds the line as read before its credit: read it again.
        .execution_options(populate_existing=True)
    )


async def _pending(session: AsyncSession, query: Marked) -> Found:
    rows = (await session.execute(query)).all()
    child_of = {
        int(row[0].id or 0): (row[4].child_id if row[4] is not None else row[3].child_id)
        for row in rows
        if row[4] is not None or row[3] is not None
    }
    schools = await _schools(session, {row[0].school_id for row in rows})
    paid_through = await _paid_through(session, {row[5].invoice_id for row in rows if row[5]})
    names, guardians = await _families(session, sorted(set(child_of.values())))
    found: Found = []
    for line, day, posting, wallet, invoice, payment in rows:
        line_id = int(line.id or 0)
        school = schools[line.school_id]
        child_id = child_of.get(line_id)
        common = {
            "school_name": school.name,
            "child_name": names.get(child_id or 0, ""),
            "amount": line.amount_cents,
            "date": day,
            "time_zone": school.timezone,
            "wallet_name": wallet.name if wallet is not None else "",
            "balance": posting.balance_after_cents if posting is not None else 0,
        }
        if payment is not None and invoice.published_at is not None:
            # The line paid an invoice (beyond its due: the wallet's).
            view = InvoiceView.of(invoice)
            template = "invoice_transfer_received"
            context = common | {
                "number": invoice_number(view),
                "title": invoice.title,
                "applied": payment.amount_cents,
                # What was due right after this line: later payments are not its news.
                "due": max(
                    0, view.total_cents - view.credited_cents - paid_through[payment.id or 0]
                ),
                "excess": line.amount_cents - payment.amount_cents,
            }
        elif wallet is not None:
            template, context = "bank_transfer_received", common
        else:  # an invoice not published yet: parents never hear of one they cannot see
            found.append((line_id, []))
            continue
        mails = [
            {
                "to": email,
                "template": template,
                "locale": locale,
                "school_id": line.school_id,
                "context": context | {"display_name": display_name},
            }
            for email, locale, display_name in guardians[child_id or 0]
        ]
        found.append((line_id, mails))
    return found


async def _paid_through(session: AsyncSession, invoice_ids: set[int]) -> dict[int, int]:
    """Per payment of these invoices: how much of its invoice was paid by it and those before."""
    if not invoice_ids:
        return {}
    rows = await session.execute(
        select(
            col(InvoicePayment.id), col(InvoicePayment.invoice_id), col(InvoicePayment.amount_cents)
        )
        .where(col(InvoicePayment.invoice_id).in_(invoice_ids))
        .order_by(col(InvoicePayment.id))
    )
    running: defaultdict[int, int] = defaultdict(int)
    through: dict[int, int] = {}
    for payment_id, invoice_id, cents in rows:
        running[invoice_id] += cents
        through[int(payment_id or 0)] = running[invoice_id]
    return through


async def _schools(session: AsyncSession, school_ids: set[int]) -> dict[int, School]:
    if not school_ids:
        return {}
    rows = await session.scalars(select(School).where(col(School.id).in_(school_ids)))
    return {int(school.id or 0): school for school in rows}


async def _families(
    session: AsyncSession, child_ids: list[int]
) -> tuple[dict[int, str], defaultdict[int, list[tuple[str, str, str]]]]:
    """The children's first names, and their guardians (email, locale, name) in id order."""
    names: dict[int, str] = {}
    guardians: defaultdict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for start in range(0, len(child_ids), CHUNK):
        chunk = child_ids[start : start + CHUNK]
        for child_id, first_name in await session.execute(
            select(col(Child.id), col(Child.first_name)).where(col(Child.id).in_(chunk))
        ):
            names[int(child_id or 0)] = first_name
        for child_id, email, locale, display_name in await session.execute(
            select(
                col(Guardianship.child_id),
                col(User.email),
                col(User.locale),
                col(User.display_name),
            )
            .join(User, col(User.id) == col(Guardianship.parent_id))
            .where(col(Guardianship.child_id).in_(chunk))
            .order_by(col(User.id))
        ):
            guardians[child_id].append((email, locale, display_name))
    return names, guardians


async def _add(uow: UnitOfWork, prepared: list[tuple[int, list[OutboxMail]]]) -> int:
    if not prepared:
        return 0
    taken = set(
        (
            await uow.session.scalars(
                update(BankStatementLine)
                .where(
                    col(BankStatementLine.id).in_([line_id for line_id, _ in prepared]),
                    col(BankStatementLine.receipt_pending),
                )
                .values(receipt_pending=False)
                .returning(col(BankStatementLine.id))
                .execution_options(synchronize_session=False)
            )
        ).all()
    )
    mails = [mail for line_id, rows in prepared if line_id in taken for mail in rows]
    uow.session.add_all(mails)
    if mails:
        uow.mail_enqueued = True
    return len(mails)
