"""The ledger: the only code that moves money. Every domain that charges or refunds a wallet
(meals, invoices, photo orders, sales...) calls these functions inside its unit of work.

    from models.ledger import OperationType, PaymentMethod, SchoolAccount
    from services.wallets import ledger

    posted = await ledger.debit_wallet(
        uow, wallet_id=wallet.id, amount_cents=450, to=SchoolAccount.MEAL_REVENUE,
        type=OperationType.MEAL, label="Repas du 03/12 : Pâtes",
    )
    reservation.transaction_id = posted.transaction_id      # keep it, to refund later
    posted.wallets[0].balance_cents                         # the wallet after the debit

    await ledger.reverse(
        uow, reservation.transaction_id, type=OperationType.MEAL_REFUND, label="Annulation ..."
    )

What holds, whoever calls:
- Double entry: one journal transaction per call, postings summing to zero (wallet legs against
  a school account: MEAL_REVENUE, SALES_REVENUE, ONLINE_CLEARING...). Postings are only inserted.
- A wallet's balance changes by one conditional `UPDATE ... SET balance = balance + :x
  WHERE id = :id AND balance + :x >= 0 RETURNING ...` (CHECK balance_cents >= 0 behind it),
  wallets in id order (no deadlock between two transfers). Not enough money raises
  DomainError(INSUFFICIENT_FUNDS, "amountCents"); a wallet of another school NotFound("walletId");
  a closed wallet (a settled leaver's) DomainError(WALLET_CLOSED, "walletId"), debit or credit.
  The caller's unit of work then rolls back everything it wrote: no partial effect.
- Each wallet movement (an Operation) records the balance after it.
- `reverse` posts the exact opposite of a transaction, linked to it; a second reversal of the
  same transaction raises DomainError(ALREADY_CANCELLED) (unique constraint on reverses_id).
- Each wallet movement emits `walletChanged` on the child's channel (services.wallets.views:
  wallet_channel, wallet_event), published after commit: watchers see every domain's
  debits and credits live, with no code in the calling domain.
Make the calling mutation idempotent with services.common.idempotency.idempotent.
Many credits at once (a bank statement's lines): `ledger_bulk.credit_many`, the same rules in a
few statements per hundreds of credits.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import col

from models.db import dialect_insert
from models.ledger import (
    LedgerAccount,
    LedgerTransaction,
    OperationType,
    PaymentMethod,
    Posting,
    SchoolAccount,
)
from models.wallets import Wallet
from services.common.errors import DomainError, ErrorCode, NotFound
from services.sql.uow import UnitOfWork
from services.wallets import low_balance
from services.wallets.views import (
    WALLET_COLUMNS,
    OperationView,
    Posted,
    WalletView,
    wallet_channel,
    wallet_event,
)


@dataclass(frozen=True)
class WalletLeg:
    wallet_id: int
    amount_cents: int  # signed: positive credits the wallet
    type: OperationType
    label: str


@dataclass(frozen=True)
class AccountLeg:
    account: SchoolAccount
    amount_cents: int  # signed, as seen from the school account


async def debit_wallet(
    uow: UnitOfWork,
    *,
    wallet_id: int,
    amount_cents: int,
    to: SchoolAccount,
    type: OperationType,
    label: str,
    method: PaymentMethod = PaymentMethod.WALLET,
) -> Posted:
    """Take `amount_cents` (> 0) from a wallet into a school account."""
    _require_positive(amount_cents)
    return await post(
        uow,
        method=method,
        memo=label,
        wallet_legs=[WalletLeg(wallet_id, -amount_cents, type, label)],
        account_legs=[AccountLeg(to, amount_cents)],
    )


async def credit_wallet(
    uow: UnitOfWork,
    *,
    wallet_id: int,
    amount_cents: int,
    source: SchoolAccount,
    type: OperationType,
    label: str,
    method: PaymentMethod,
) -> Posted:
    """Put `amount_cents` (> 0) on a wallet, from a school account (clearing, adjustments...)."""
    _require_positive(amount_cents)
    return await post(
        uow,
        method=method,
        memo=label,
        wallet_legs=[WalletLeg(wallet_id, amount_cents, type, label)],
        account_legs=[AccountLeg(source, -amount_cents)],
    )


async def reverse(
    uow: UnitOfWork, transaction_id: int, *, type: OperationType, label: str
) -> Posted:
    """Post the opposite of a transaction (a refund, a correction), linked to it, at most once."""
    original = await uow.session.get(LedgerTransaction, transaction_id)
    if original is None:
        raise NotFound("transactionId")
    if await reversal_of(uow, transaction_id) is not None:
        raise DomainError(ErrorCode.ALREADY_CANCELLED)
    rows = (
        await uow.session.execute(
            select(Posting, col(LedgerAccount.kind))
            .outerjoin(LedgerAccount, col(LedgerAccount.id) == col(Posting.account_id))
            .where(col(Posting.transaction_id) == transaction_id)
        )
    ).all()
    wallet_legs = [
        WalletLeg(p.wallet_id, -p.amount_cents, type, label) for p, _ in rows if p.wallet_id
    ]
    account_legs = [AccountLeg(SchoolAccount(kind), -p.amount_cents) for p, kind in rows if kind]
    return await post(
        uow,
        method=PaymentMethod(original.method),
        memo=label,
        wallet_legs=wallet_legs,
        account_legs=account_legs,
        school_id=original.school_id,
        reverses_id=transaction_id,
    )


async def post(
    uow: UnitOfWork,
    *,
    method: PaymentMethod,
    memo: str,
    wallet_legs: Sequence[WalletLeg],
    account_legs: Sequence[AccountLeg] = (),
    school_id: int | None = None,
    reverses_id: int | None = None,
) -> Posted:
    """One journal transaction. The general form behind debit, credit, transfer and reverse."""
    legs = [leg.amount_cents for leg in wallet_legs] + [leg.amount_cents for leg in account_legs]
    if not legs or sum(legs) != 0 or 0 in legs:
        raise ValueError(f"unbalanced or empty transaction: {legs}")
    if len({leg.wallet_id for leg in wallet_legs}) != len(wallet_legs):
        raise ValueError("a wallet appears twice in one transaction")

    wallets: dict[int, WalletView] = {}
    for leg in sorted(wallet_legs, key=lambda leg: leg.wallet_id):
        moved = await _move(uow, leg.wallet_id, leg.amount_cents, school_id)
        school_id = moved.school_id
        wallets[moved.id] = moved
    if school_id is None:
        raise ValueError("a transaction without wallets needs its school_id")

    transaction_id = await _insert_transaction(uow, school_id, method, memo, reverses_id)
    postings = [
        Posting(
            transaction_id=transaction_id,
            school_id=school_id,
            amount_cents=leg.amount_cents,
            wallet_id=leg.wallet_id,
            child_id=wallets[leg.wallet_id].child_id,
            operation_type=leg.type,
            method=method,
            label=leg.label[:300],
            balance_after_cents=wallets[leg.wallet_id].balance_cents,
            at=uow.now,
        )
        for leg in wallet_legs
    ]
    for account_leg in account_legs:
        postings.append(
            Posting(
                transaction_id=transaction_id,
                school_id=school_id,
                amount_cents=account_leg.amount_cents,
                account_id=await _account_id(uow, school_id, account_leg.account),
                at=uow.now,
            )
        )
    uow.session.add_all(postings)
    await uow.session.flush()

    record_money(uow, transaction_id, method, memo, school_id, list(wallets.values()), wallet_legs)
    await low_balance.after_moves(
        uow, list(wallets.values()), {leg.wallet_id: leg.amount_cents for leg in wallet_legs}
    )
    operations = tuple(OperationView.of(p) for p in postings if p.wallet_id is not None)
    for operation in operations:
        wallet = wallets[operation.wallet_id]
        await uow.emit(wallet_channel(wallet.child_id), wallet_event(wallet, operation))
    return Posted(transaction_id, operations, tuple(wallets[leg.wallet_id] for leg in wallet_legs))


def record_money(
    uow: UnitOfWork,
    transaction_id: int,
    method: PaymentMethod,
    memo: str,
    school_id: int,
    wallets: Sequence[WalletView],
    legs: Sequence[WalletLeg],
) -> None:
    """Money moved by anyone but a parent (staff, a device, the bank, the payment provider) goes
    to the audit trail, with each wallet's balance before and after."""
    if uow.audit is not None and not uow.audit.records_actions:
        return
    amounts = {leg.wallet_id: leg.amount_cents for leg in legs}
    uow.record(
        f"money.{method.value}",
        {
            "transaction": transaction_id,
            "memo": memo[:300],
            "wallets": [
                {
                    "wallet": wallet.id,
                    "child": wallet.child_id,
                    "amountCents": amounts[wallet.id],
                    "balanceBeforeCents": wallet.balance_cents - amounts[wallet.id],
                    "balanceAfterCents": wallet.balance_cents,
                }
                for wallet in wallets
            ],
        },
        school_id=school_id,
        child_id=wallets[0].child_id if wallets else None,
    )


def _require_positive(amount_cents: int) -> None:
    if amount_cents <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")


async def _move(
    uow: UnitOfWork, wallet_id: int, amount_cents: int, school_id: int | None
) -> WalletView:
    """Change one balance by one conditional statement; the database arbitrates races."""
    this_wallet = [col(Wallet.id) == wallet_id]
    if school_id is not None:
        this_wallet.append(col(Wallet.school_id) == school_id)
    row = (
        await uow.session.execute(
            update(Wallet)
            .where(
                *this_wallet,
                col(Wallet.balance_cents) + amount_cents >= 0,
                col(Wallet.closed_at).is_(None),
            )
            .values(balance_cents=col(Wallet.balance_cents) + amount_cents)
            .returning(*WALLET_COLUMNS)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if row is not None:
        wallet, school, child, slot, name, balance = row
        assert wallet is not None
        return WalletView(wallet, school, child, slot, name, balance)
    found = (await uow.session.execute(select(col(Wallet.closed_at)).where(*this_wallet))).first()
    if found is None:
        raise NotFound("walletId")
    if found[0] is not None:
        raise DomainError(ErrorCode.WALLET_CLOSED, "walletId")
    raise DomainError(ErrorCode.INSUFFICIENT_FUNDS, "amountCents")


async def _insert_transaction(
    uow: UnitOfWork, school_id: int, method: PaymentMethod, memo: str, reverses_id: int | None
) -> int:
    insert = dialect_insert(uow.dialect)
    inserted = await uow.session.scalar(
        insert(LedgerTransaction)
        .values(
            school_id=school_id,
            method=method,
            memo=memo[:300],
            reverses_id=reverses_id,
            at=uow.now,
        )
        .on_conflict_do_nothing()
        .returning(col(LedgerTransaction.id))
    )
    if inserted is None:  # only reverses_id can clash: a concurrent reversal won
        raise DomainError(ErrorCode.ALREADY_CANCELLED)
    return int(inserted)


async def _account_id(uow: UnitOfWork, school_id: int, kind: SchoolAccount) -> int:
    """The school's account of this kind, created on first use (never locked when it exists)."""
    query = select(col(LedgerAccount.id)).where(
        col(LedgerAccount.school_id) == school_id, col(LedgerAccount.kind) == kind
    )
    found = await uow.session.scalar(query)
    if found is None:
        insert = dialect_insert(uow.dialect)
        await uow.session.execute(
            insert(LedgerAccount).values(school_id=school_id, kind=kind).on_conflict_do_nothing()
        )
        found = await uow.session.scalar(query)
    assert found is not None
    return int(found)


async def reversal_of(uow: UnitOfWork, transaction_id: int) -> int | None:
    """The id of the transaction that reversed this one, if any."""
    found = await uow.session.scalar(
        select(col(LedgerTransaction.id)).where(
            col(LedgerTransaction.reverses_id) == transaction_id
        )
    )
    return None if found is None else int(found)
