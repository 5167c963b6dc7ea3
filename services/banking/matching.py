"""What a credit line pays, from its structured communication: a wallet of the school (kind 1),
an invoice (billing's kinds), or nothing (the line waits, unmatched, for staff).

The one place where a statement line meets the things it can pay: a new kind of payable adds
a branch to `find_targets` and to `pay`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.billing import Invoice
from models.topups import BankTransfer
from models.wallets import Wallet
from services.banking.communications import digits_of
from services.billing.views import INVOICE_KIND
from services.sql.uow import UnitOfWork
from services.wallets import communication
from services.wallets.bank_transfers import (
    ReceivedTransfer,
    credit_bank_transfers,
    pay_invoice_by_statement_line,
    transfer_label,
)
from services.wallets.views import Posted

CHUNK = 500


@dataclass(frozen=True)
class WalletTarget:
    wallet_id: int
    child_id: int
    name: str


@dataclass(frozen=True)
class InvoiceTarget:
    """An invoice a line pays; `wallet_id` is its child's first wallet, where any excess goes."""

    wallet_id: int
    child_id: int
    name: str
    invoice_id: int


Target = WalletTarget | InvoiceTarget


def parsed(digits: str | None) -> tuple[int, int] | None:
    if not digits:
        return None
    return communication.parse_communication(digits)


async def find_targets(
    session: AsyncSession, school_id: int, communications: Iterable[str | None]
) -> dict[str, Target]:
    """The wallets (and invoices) of the school named by these communications, by the 12 digits.
    A communication of another school's wallet names nothing here."""
    communications = list(communications)
    wallet_ids: dict[int, str] = {}
    for digits in communications:
        found = parsed(digits)
        if found is not None and found[0] == communication.WALLET and digits:
            wallet_ids[found[1]] = digits_of(digits)
    targets: dict[str, Target] = {}
    targets.update(await _invoice_targets(session, school_id, communications))
    ids = list(wallet_ids)
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(col(Wallet.id), col(Wallet.child_id), col(Wallet.name)).where(
                col(Wallet.id).in_(ids[start : start + CHUNK]),
                col(Wallet.school_id) == school_id,
                # A settled leaver's wallet is closed: its transfers wait in the queue.
                col(Wallet.closed_at).is_(None),
            )
        )
        for wallet_id, child_id, name in rows:
            targets[wallet_ids[int(wallet_id or 0)]] = WalletTarget(
                int(wallet_id or 0), child_id, name
            )
    return targets


async def _invoice_targets(
    session: AsyncSession, school_id: int, communications: Iterable[str | None]
) -> dict[str, Target]:
    invoice_ids: dict[int, str] = {}
    for digits in communications:
        found = parsed(digits)
        if found is not None and found[0] == INVOICE_KIND and digits:
            invoice_ids[found[1]] = digits_of(digits)
    if not invoice_ids:
        return {}
    targets: dict[str, Target] = {}
    rows = (
        await session.execute(
            select(col(Invoice.id), col(Invoice.child_id), col(Invoice.title)).where(
                col(Invoice.id).in_(list(invoice_ids)), col(Invoice.school_id) == school_id
            )
        )
    ).all()
    firsts: dict[int, int] = {}
    for wallet_id, child_id in await session.execute(
        select(col(Wallet.id), col(Wallet.child_id))
        .where(col(Wallet.child_id).in_([row[1] for row in rows]))
        .order_by(col(Wallet.slot).desc())
    ):
        firsts[int(child_id)] = int(wallet_id or 0)  # the lowest slot is written last
    for invoice_id, child_id, title in rows:
        if child_id in firsts:
            digits = invoice_ids[int(invoice_id or 0)]
            targets[digits] = InvoiceTarget(firsts[child_id], child_id, title, int(invoice_id or 0))
    return targets


async def transfers_recorded(
    session: AsyncSession, school_id: int, references: list[str]
) -> dict[str, tuple[int, int]]:
    """Bank references already credited by hand (`recordBankTransfer`): (wallet, transaction)."""
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(references), CHUNK):
        rows = await session.execute(
            select(
                col(BankTransfer.bank_reference),
                col(BankTransfer.wallet_id),
                col(BankTransfer.transaction_id),
            ).where(
                col(BankTransfer.school_id) == school_id,
                col(BankTransfer.bank_reference).in_(references[start : start + CHUNK]),
            )
        )
        for reference, wallet_id, transaction_id in rows:
            found[reference] = (wallet_id, transaction_id)
    return found


@dataclass(frozen=True)
class Payment:
    """A credit line for a target: what `pay_many` credits."""

    target: Target
    amount_cents: int
    digits: str
    bank_reference: str
    value_date: date
    statement_date: date


async def pay_many(
    uow: UnitOfWork, payments: list[Payment], *, school_id: int, recorded_by: int
) -> list[Posted]:
    """Credit what each line pays, once, in the order given: the unique bank reference of
    `bank_transfers` fails a second credit of the same reference (its transaction rolls back).
    Wallets in bulk; an invoice through billing's one payment path (excess to the wallet)."""
    results: list[Posted | None] = [None] * len(payments)
    to_wallets = [(i, p) for i, p in enumerate(payments) if isinstance(p.target, WalletTarget)]
    credited = await credit_bank_transfers(
        uow,
        school_id=school_id,
        transfers=[
            ReceivedTransfer(
                wallet_id=p.target.wallet_id,
                amount_cents=p.amount_cents,
                communication=p.digits,
                bank_reference=p.bank_reference,
                value_date=p.value_date,
                label=transfer_label(p.statement_date),
            )
            for _, p in to_wallets
        ],
        recorded_by=recorded_by,
    )
    for (index, _), posted in zip(to_wallets, credited, strict=True):
        results[index] = posted
    for index, p in enumerate(payments):
        if isinstance(p.target, InvoiceTarget):
            results[index] = await pay_invoice_by_statement_line(
                uow,
                school_id=school_id,
                invoice_id=p.target.invoice_id,
                first_wallet_id=p.target.wallet_id,
                amount_cents=p.amount_cents,
                communication=p.digits,
                bank_reference=p.bank_reference,
                value_date=p.value_date,
                recorded_by=recorded_by,
            )
    return [posted for posted in results if posted is not None]
