"""The ledger's bulk path: many credits (a bank statement's lines) in a few statements.

Part of the ledger (services/wallets/ledger.py, whose rules hold here alike): each credit is its
own journal transaction (the wallet's leg and the school account's, summing to zero), each
wallet movement its own operation with the balance after it and its `walletChanged` event.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import col

from models.audit import AuditEntry
from models.ledger import LedgerTransaction, OperationType, PaymentMethod, Posting, SchoolAccount
from models.wallets import Wallet
from services.common.errors import DomainError, ErrorCode, NotFound
from services.sql.audit import audit_entry
from services.sql.uow import UnitOfWork
from services.wallets import low_balance
from services.wallets.ledger import _account_id, _require_positive
from services.wallets.views import (
    WALLET_COLUMNS,
    OperationView,
    Posted,
    WalletView,
    wallet_channel,
    wallet_event,
)


@dataclass(frozen=True)
class Credit:
    wallet_id: int
    amount_cents: int  # > 0
    label: str


async def credit_many(
    uow: UnitOfWork,
    *,
    school_id: int,
    credits: Sequence[Credit],
    source: SchoolAccount,
    type: OperationType,
    method: PaymentMethod,
) -> list[Posted]:
    """`credit_wallet` for each credit, in order, in a few statements per hundreds of credits
    (a bank statement's lines): each is its own journal transaction (the wallet's leg and the
    school account's), each wallet movement its own operation and `walletChanged` event, with
    the balance after it. Wallets of another school raise NotFound (the caller's unit of work
    rolls back). A wallet credited several times is credited in rounds, in the order given."""
    for credit in credits:
        _require_positive(credit.amount_cents)
    posted: list[Posted | None] = [None] * len(credits)
    waiting = list(enumerate(credits))
    account_id = await _account_id(uow, school_id, source) if credits else 0
    while waiting:
        seen: set[int] = set()
        now: list[tuple[int, Credit]] = []
        later: list[tuple[int, Credit]] = []
        for index, credit in waiting:
            (later if credit.wallet_id in seen else now).append((index, credit))
            seen.add(credit.wallet_id)
        for start in range(0, len(now), BULK):
            chunk = now[start : start + BULK]
            for (index, _), result in zip(
                chunk,
                await _credit_round(uow, school_id, account_id, chunk, type, method),
                strict=True,
            ):
                posted[index] = result
        waiting = later
    return [p for p in posted if p is not None]


BULK = 500


async def _credit_round(
    uow: UnitOfWork,
    school_id: int,
    account_id: int,
    credits: list[tuple[int, Credit]],
    type: OperationType,
    method: PaymentMethod,
) -> list[Posted]:
    """Credits of distinct wallets: one UPDATE (executed for each), one read of the balances
    after, and one multi-row INSERT each for transactions and postings."""
    session = uow.session
    wallets_table = Wallet.__table__  # type: ignore[attr-defined]
    closed = await session.scalar(
        select(col(Wallet.id)).where(
            col(Wallet.id).in_([c.wallet_id for _, c in credits]),
            col(Wallet.closed_at).is_not(None),
        )
    )
    if closed is not None:  # a settled leaver's wallet takes no more money
        raise DomainError(ErrorCode.WALLET_CLOSED, "walletId")
    await session.execute(
        update(wallets_table)
        .where(
            wallets_table.c.id == bindparam("wallet"),
            wallets_table.c.school_id == school_id,
            wallets_table.c.closed_at.is_(None),
        )
        .values(balance_cents=wallets_table.c.balance_cents + bindparam("amount")),
        [{"wallet": c.wallet_id, "amount": c.amount_cents} for _, c in credits],
    )
    rows = await session.execute(
        select(*WALLET_COLUMNS).where(
            col(Wallet.id).in_([c.wallet_id for _, c in credits]),
            col(Wallet.school_id) == school_id,
        )
    )
    wallets: dict[int, WalletView] = {}
    for row in rows:
        values: tuple[Any, ...] = tuple(row)
        wallets[int(values[0])] = WalletView(*values)
    if len(wallets) != len(credits):
        raise NotFound("walletId")
    transaction_ids = [
        _id(found)
        for found in await session.scalars(
            insert(LedgerTransaction).returning(
                col(LedgerTransaction.id), sort_by_parameter_order=True
            ),
            [
                {"school_id": school_id, "method": method, "memo": c.label[:300], "at": uow.now}
                for _, c in credits
            ],
        )
    ]
    operation_ids = [
        _id(found)
        for found in await session.scalars(
            insert(Posting).returning(col(Posting.id), sort_by_parameter_order=True),
            [
                {
                    "transaction_id": transaction_id,
                    "school_id": school_id,
                    "amount_cents": c.amount_cents,
                    "wallet_id": c.wallet_id,
                    "child_id": wallets[c.wallet_id].child_id,
                    "operation_type": type,
                    "method": method,
                    "label": c.label[:300],
                    "balance_after_cents": wallets[c.wallet_id].balance_cents,
                    "at": uow.now,
                }
                for transaction_id, (_, c) in zip(transaction_ids, credits, strict=True)
            ],
        )
    ]
    await session.execute(
        insert(Posting),
        [
            {
                "transaction_id": transaction_id,
                "school_id": school_id,
                "amount_cents": -c.amount_cents,
                "account_id": account_id,
                "at": uow.now,
            }
            for transaction_id, (_, c) in zip(transaction_ids, credits, strict=True)
        ],
    )
    posted = []
    events = []
    for operation_id, transaction_id, (_, c) in zip(
        operation_ids, transaction_ids, credits, strict=True
    ):
        wallet = wallets[c.wallet_id]
        operation = OperationView(
            operation_id,
            transaction_id,
            wallet.id,
            wallet.child_id,
            type,
            method,
            c.amount_cents,
            wallet.balance_cents,
            c.label[:300],
            uow.now,
        )
        events.append((wallet_channel(wallet.child_id), wallet_event(wallet, operation)))
        posted.append(Posted(transaction_id, (operation,), (wallet,)))
    await _record_credits(uow, school_id, method, credits, transaction_ids, wallets)
    await low_balance.rearm(uow, list(wallets))
    await uow.emit_many(events)
    return posted


async def _record_credits(
    uow: UnitOfWork,
    school_id: int,
    method: PaymentMethod,
    credits: list[tuple[int, Credit]],
    transaction_ids: list[int],
    wallets: dict[int, WalletView],
) -> None:
    """The audit trail's entries of these credits (as `ledger.record_money`), in one statement."""
    if uow.audit is not None and not uow.audit.records_actions:
        return
    entries = []
    for transaction_id, (_, c) in zip(transaction_ids, credits, strict=True):
        wallet = wallets[c.wallet_id]
        entry = audit_entry(
            uow.audit,
            now=uow.now,
            action=f"money.{method.value}",
            school_id=school_id,
            child_id=wallet.child_id,
            details={
                "transaction": transaction_id,
                "memo": c.label[:300],
                "wallets": [
                    {
                        "wallet": wallet.id,
                        "child": wallet.child_id,
                        "amountCents": c.amount_cents,
                        "balanceBeforeCents": wallet.balance_cents - c.amount_cents,
                        "balanceAfterCents": wallet.balance_cents,
                    }
                ],
            },
        )
        entries.append(entry.model_dump(exclude={"id"}))
    await uow.session.execute(insert(AuditEntry), entries)


def _id(found: int | None) -> int:
    assert found is not None  # RETURNING of a row just inserted
    return found
