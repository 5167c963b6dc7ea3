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

from models.topups import BankTransfer
from models.wallets import Wallet
from services.banking.communications import digits_of
from services.sql.uow import UnitOfWork
from services.wallets import communication
from services.wallets.bank_transfers import (
    ReceivedTransfer,
    credit_bank_transfers,
    transfer_label,
)
from services.wallets.views import Posted

CHUNK = 500


@dataclass(frozen=True)
class WalletTarget:
    wallet_id: int
    child_id: int
    name: str


Target = WalletTarget


def parsed(digits: str | None) -> tuple[int, int] | None:
    if not digits:
        return None
    return communication.parse_communication(digits)


async def find_targets(
    session: AsyncSession, school_id: int, communications: Iterable[str | None]
) -> dict[str, Target]:
    """The wallets (and invoices) of the school named by these communications, by the 12 digits.
    A communication of another school's wallet names nothing here."""
    wallet_ids: dict[int, str] = {}
    for digits in communications:
        found = parsed(digits)
        if found is not None and found[0] == communication.WALLET and digits:
            wallet_ids[found[1]] = digits_of(digits)
    targets: dict[str, Target] = {}
    ids = list(wallet_ids)
    for start in range(0, len(ids), CHUNK):
        rows = await session.execute(
            select(col(Wallet.id), col(Wallet.child_id), col(Wallet.name)).where(
                col(Wallet.id).in_(ids[start : start + CHUNK]),
                col(Wallet.school_id) == school_id,
            )
        )
        for wallet_id, child_id, name in rows:
            targets[wallet_ids[int(wallet_id or 0)]] = WalletTarget(
                int(wallet_id or 0), child_id, name
            )
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
    """Credit what each line pays, once: the unique bank reference of `bank_transfers` fails a
    second credit of the same reference (its transaction rolls back). Wallets now; an invoice's
    payment (excess to the wallet) will branch here."""
    return await credit_bank_transfers(
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
            for p in payments
        ],
        recorded_by=recorded_by,
    )
