"""The staff's queue of unmatched credit lines, each with the wallets it likely meant, and the
statements imported. Handling a line (assign, return) is `assigning`'s.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.banking import BankStatement, BankStatementLine, LineStatus, PendingTransfer
from models.banking import PendingTransferStatus as Announced
from models.billing import Invoice
from models.family import Child, Guardianship
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.banking import matching
from services.banking.communications import (
    DIGITS,
    digits_of,
    likely_communications,
    structured_in_text,
)
from services.billing.views import INVOICE_KIND, InvoiceView
from services.common.errors import NotFound
from services.family.children import require_staff
from services.wallets.communication import WALLET
from services.wallets.views import WalletView

MAX_QUEUE = 500


class Reason:
    CHECK_DIGITS = "CHECK_DIGITS"  # one typing error away from this wallet's communication
    ANNOUNCED = "ANNOUNCED"  # a parent announced a transfer of this amount to this wallet
    NAME = "NAME"  # the sender's name is a guardian's


@dataclass(frozen=True)
class Suggestion:
    """A wallet or an invoice (exactly one) the line likely meant."""

    wallet: WalletView | None
    child_name: str
    reason: str
    invoice: InvoiceView | None = None


@dataclass(frozen=True)
class LineView:
    id: int
    statement_date: date
    booking_date: date
    value_date: date
    amount_cents: int
    communication: str | None
    free_text: str
    counterparty_name: str
    counterparty_iban: str | None
    status: LineStatus
    wallet_id: int | None
    invoice_id: int | None
    handled_by: str | None
    handled_at: datetime | None
    note: str | None
    suggestions: tuple[Suggestion, ...] = ()


async def unmatched_lines(session: AsyncSession, actor: Actor) -> list[LineView]:
    require_staff(actor)
    lines = await _lines(
        session,
        actor.school_id,
        col(BankStatementLine.status) == LineStatus.UNMATCHED,
    )
    return [
        replace(line, suggestions=tuple(await _suggest(session, actor, line))) for line in lines
    ]


async def line_for(session: AsyncSession, actor: Actor, line_id: int) -> LineView:
    require_staff(actor)
    found = await _lines(session, actor.school_id, col(BankStatementLine.id) == line_id)
    if not found:
        raise NotFound("lineId")
    return found[0]


async def _lines(session: AsyncSession, school_id: int, where: object) -> list[LineView]:
    line = BankStatementLine
    rows = await session.execute(
        select(line, col(BankStatement.statement_date), col(User.display_name))
        .join(BankStatement, col(BankStatement.id) == col(line.statement_id))
        .outerjoin(User, col(User.id) == col(line.handled_by))
        .where(col(line.school_id) == school_id, where)  # type: ignore[arg-type]
        .order_by(col(line.booking_date), col(line.id))
        .limit(MAX_QUEUE)
        .execution_options(populate_existing=True)
    )
    views = []
    for row, statement_date, handled_by in rows:
        assert row.id is not None
        views.append(
            LineView(
                id=row.id,
                statement_date=statement_date,
                booking_date=row.booking_date,
                value_date=row.value_date,
                amount_cents=row.amount_cents,
                communication=row.communication,
                free_text=row.free_text,
                counterparty_name=row.counterparty_name,
                counterparty_iban=row.counterparty_iban,
                status=LineStatus(row.status),
                wallet_id=row.wallet_id,
                invoice_id=row.invoice_id,
                handled_by=handled_by,
                handled_at=row.handled_at,
                note=row.note,
            )
        )
    return views


def _words(name: str) -> set[str]:
    return {word for word in name.lower().replace(",", " ").split() if len(word) >= 2}


async def _suggest(session: AsyncSession, actor: Actor, line: LineView) -> list[Suggestion]:
    """Likely wallets and invoices: a communication one typing error away, an announcement of
    this amount, a guardian's name as the sender's (for an invoice: with its due as the
    amount). At most one suggestion per wallet or invoice, strongest first."""
    loose = digits_of(line.free_text)  # "100/0000/0135": a digit missing, no +++ around it
    typed = (
        line.communication
        or structured_in_text(line.free_text)
        or (loose if DIGITS - 1 <= len(loose) <= DIGITS + 1 else "")
    )
    reasons: dict[int, str] = {}
    invoice_reasons: dict[int, str] = {}
    for digits in likely_communications(typed) if typed else []:
        found = matching.parsed(digits)
        if found is not None and found[0] == WALLET:
            reasons.setdefault(found[1], Reason.CHECK_DIGITS)
        elif found is not None and found[0] == INVOICE_KIND:
            invoice_reasons.setdefault(found[1], Reason.CHECK_DIGITS)
    announced = await session.scalars(
        select(col(PendingTransfer.wallet_id)).where(
            col(PendingTransfer.school_id) == actor.school_id,
            col(PendingTransfer.amount_cents) == line.amount_cents,
            col(PendingTransfer.status) == Announced.PENDING,
        )
    )
    for wallet_id in announced:
        reasons.setdefault(wallet_id, Reason.ANNOUNCED)
    # "DUPONT MARIE" on the bank line is Marie Dupont: every word of the guardian's name.
    for child_id in await _children_of_sender(session, actor.school_id, line.counterparty_name):
        first_wallets = await session.scalars(
            select(col(Wallet.id)).where(col(Wallet.child_id) == child_id, col(Wallet.slot) == 1)
        )
        for first_wallet in first_wallets:
            reasons.setdefault(int(first_wallet or 0), Reason.NAME)
        owed = await session.scalars(
            select(col(Invoice.id)).where(
                col(Invoice.child_id) == child_id,
                col(Invoice.published_at).is_not(None),
                col(Invoice.total_cents) - col(Invoice.paid_cents) - col(Invoice.credited_cents)
                == line.amount_cents,
            )
        )
        for owed_id in owed:
            invoice_reasons.setdefault(int(owed_id or 0), Reason.NAME)
    return [
        *await _wallet_suggestions(session, actor.school_id, reasons),
        *await _invoice_suggestions(session, actor.school_id, invoice_reasons),
    ]


async def _children_of_sender(session: AsyncSession, school_id: int, sender: str) -> set[int]:
    """The children of the school's guardians whose every name word is in the sender's name."""
    words = _words(sender)
    if not words:
        return set()
    longest = max(words, key=len)
    guardians = await session.execute(
        select(col(Guardianship.child_id), col(User.display_name))
        .join(User, col(User.id) == col(Guardianship.parent_id))
        .where(
            col(Guardianship.school_id) == school_id,
            func.lower(col(User.display_name)).contains(longest, autoescape=True),
        )
        .limit(MAX_QUEUE)
    )
    return {int(child_id) for child_id, name in guardians if _words(name) <= words}


async def _wallet_suggestions(
    session: AsyncSession, school_id: int, reasons: dict[int, str]
) -> list[Suggestion]:
    if not reasons:
        return []
    rows = await session.execute(
        select(Wallet, col(Child.first_name))
        .join(Child, col(Child.id) == col(Wallet.child_id))
        .where(col(Wallet.id).in_(list(reasons)), col(Wallet.school_id) == school_id)
        .order_by(col(Wallet.id))
    )
    return [
        Suggestion(WalletView.of(wallet), first_name, reasons[wallet.id])
        for wallet, first_name in rows
        if wallet.id is not None
    ]


async def _invoice_suggestions(
    session: AsyncSession, school_id: int, reasons: dict[int, str]
) -> list[Suggestion]:
    """Only invoices the family sees (published) and that still have something due."""
    if not reasons:
        return []
    rows = await session.execute(
        select(Invoice, col(Child.first_name))
        .join(Child, col(Child.id) == col(Invoice.child_id))
        .where(
            col(Invoice.id).in_(list(reasons)),
            col(Invoice.school_id) == school_id,
            col(Invoice.published_at).is_not(None),
            col(Invoice.paid_cents) + col(Invoice.credited_cents) < col(Invoice.total_cents),
        )
        .order_by(col(Invoice.id))
    )
    return [
        Suggestion(None, first_name, reasons[invoice.id], invoice=InvoiceView.of(invoice))
        for invoice, first_name in rows
        if invoice.id is not None
    ]


@dataclass(frozen=True)
class StatementView:
    id: int
    format: str
    number: str
    statement_date: date
    lines: int
    credited: int
    unmatched: int
    complete: bool
    imported_by: str
    imported_at: datetime


async def imported_statements(
    session: AsyncSession, actor: Actor, limit: int = 50
) -> list[StatementView]:
    """The statements imported, latest first, with who imported each (staff only)."""
    require_staff(actor)
    rows = await session.execute(
        select(BankStatement, col(User.display_name))
        .join(User, col(User.id) == col(BankStatement.imported_by))
        .where(col(BankStatement.school_id) == actor.school_id)
        .order_by(col(BankStatement.imported_at).desc(), col(BankStatement.id).desc())
        .limit(max(1, min(limit, MAX_QUEUE)))
    )
    return [
        StatementView(
            id=row.id or 0,
            format=row.format,
            number=row.number,
            statement_date=row.statement_date,
            lines=row.lines,
            credited=row.credited,
            unmatched=row.unmatched,
            complete=row.complete,
            imported_by=name,
            imported_at=row.imported_at,
        )
        for row, name in rows
    ]
