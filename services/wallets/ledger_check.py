"""Proof that the books balance: run after every money test and by `make verify-ledger`.

- every wallet's cached balance equals the sum of its postings;
- every operation's balance-after equals the running sum of its wallet's postings up to it;
- every transaction has at least two postings and they sum to zero (so all postings do too);
- every invoice: paid + credited <= total, payments equal their postings (services/billing).
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.ledger import LedgerTransaction, Posting
from models.wallets import Wallet
from services.billing.ledger_check import invoice_problems


@dataclass
class LedgerReport:
    wallets: int = 0
    transactions: int = 0
    postings: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        head = f"{self.wallets} wallets, {self.transactions} transactions, {self.postings} postings"
        if self.ok:
            return f"ledger balanced: {head}"
        return "\n".join([f"LEDGER BROKEN: {head}", *self.problems])


async def verify_ledger(session: AsyncSession) -> LedgerReport:
    report = LedgerReport()
    report.wallets = int(await session.scalar(select(func.count()).select_from(Wallet)) or 0)
    report.transactions = int(
        await session.scalar(select(func.count()).select_from(LedgerTransaction)) or 0
    )
    report.postings = int(await session.scalar(select(func.count()).select_from(Posting)) or 0)

    sums = (
        select(col(Posting.wallet_id), func.sum(Posting.amount_cents).label("total"))
        .where(col(Posting.wallet_id).is_not(None))
        .group_by(col(Posting.wallet_id))
        .subquery()
    )
    for wallet_id, balance, total in await session.execute(
        select(col(Wallet.id), col(Wallet.balance_cents), func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.wallet_id == col(Wallet.id))
        .where(col(Wallet.balance_cents) != func.coalesce(sums.c.total, 0))
    ):
        report.problems.append(f"wallet {wallet_id}: balance {balance} != postings {total}")

    running = (
        select(
            col(Posting.id),
            col(Posting.wallet_id),
            col(Posting.balance_after_cents),
            func.sum(Posting.amount_cents)
            .over(partition_by=col(Posting.wallet_id), order_by=col(Posting.id))
            .label("running"),
        )
        .where(col(Posting.wallet_id).is_not(None))
        .subquery()
    )
    for posting_id, wallet_id, after, total in await session.execute(
        select(running).where(running.c.balance_after_cents != running.c.running)
    ):
        report.problems.append(
            f"operation {posting_id} of wallet {wallet_id}: balance after {after} != {total}"
        )

    for transaction_id, count, total in await session.execute(
        select(
            col(LedgerTransaction.id),
            func.count(col(Posting.id)),
            func.coalesce(func.sum(Posting.amount_cents), 0),
        )
        .outerjoin(Posting, col(Posting.transaction_id) == col(LedgerTransaction.id))
        .group_by(col(LedgerTransaction.id))
        .having(
            (func.count(col(Posting.id)) < 2)
            | (func.coalesce(func.sum(Posting.amount_cents), 0) != 0)
        )
    ):
        report.problems.append(f"transaction {transaction_id}: {count} postings sum to {total}")
    report.problems.extend(await invoice_problems(session))
    return report
