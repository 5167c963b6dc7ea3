"""statements: importing one CODA statement of BENCH_STATEMENT_LINES credit lines (default 5,000),
each naming the first wallet of another of as many families, on SQLite and PostgreSQL.

Measured through the import service as the upload route calls it (the file checked and read,
each line matched, credited through the ledger, a receipt mail rendered into the outbox per
guardian, a `walletChanged` event per credit published after commit):
- the import's wall time (goal: under 10 s) and its longest write transaction (the writer
  hold: how long other writers wait on SQLite);
- the live events published, one per credited wallet (goal: every credited wallet);
- the receipt mails, rendered after the import's commit (outside its transactions) and added
  to the outbox in short ones;
- the baseline in the same run: the same number of bare ledger credits (`credit_wallet`, one
  transaction), and the import's cost as a ratio of it.
"""

import asyncio
import os
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bench.common import Report
from bench.seeding import school_with_parents, set_iban
from bench.timing import migrated_backends, timed, timed_transactions
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.wallets import Wallet
from services.banking.importing import import_statement_file
from services.banking.receipts import mail_pending_receipts
from services.demo.statement_files import DEMO_IBAN, Movement, coda_file, statement
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import ledger
from services.wallets.communication import WALLET, communication_for

GOAL_SECONDS = 10.0


async def _measure(url: str, directory: str, lines: int) -> dict[str, float]:
    async with timed_transactions(url, directory) as (tx, events):
        bench = await school_with_parents(tx, lines)
        await set_iban(tx, bench.school_id, DEMO_IBAN)
        wallets = await tx.read(lambda s: _first_wallets(s, bench.school_id))
        data = coda_file(
            statement(
                *(
                    Movement(1000 + n % 500, f"BENCH{n:08d}", communication=_digits(wallet))
                    for n, wallet in enumerate(wallets)
                ),
                number=1,
            )
        )
        baseline = await _baseline(tx, wallets)
        events.wallet_events = 0
        imported = await tx.measure(import_statement_file(tx, bench.staff, data))
        mailed = await tx.measure(mail_pending_receipts(tx))
        return {
            "mails": mailed.result,
            "mail_seconds": mailed.seconds,
            "mail_longest_write": mailed.longest_write,
            "seconds": imported.seconds,
            "longest_write": imported.longest_write,
            "credited": imported.result.credited,
            "events": events.wallet_events,
            "baseline": baseline,
            "file_bytes": len(data),
        }


async def _baseline(tx: Transactions, wallets: list[int]) -> float:
    """The same number of bare ledger credits in one transaction: the least a credit costs."""

    async def work(uow: UnitOfWork) -> None:
        for wallet_id in wallets:
            await ledger.credit_wallet(
                uow,
                wallet_id=wallet_id,
                amount_cents=1,
                source=SchoolAccount.ADJUSTMENTS,
                type=OperationType.ADJUSTMENT,
                label="Banc d'essai",
                method=PaymentMethod.INTERNAL,
            )

    return (await timed(tx.run(work))).seconds


async def _first_wallets(session: Any, school_id: int) -> list[int]:
    rows = await session.scalars(
        select(col(Wallet.id))
        .where(col(Wallet.school_id) == school_id, col(Wallet.slot) == 1)
        .order_by(col(Wallet.id))
    )
    return [int(wallet_id) for wallet_id in rows]


def _digits(wallet_id: int) -> str:
    return "".join(c for c in communication_for(WALLET, wallet_id) if c.isdigit())


def main() -> None:
    lines = int(os.environ.get("BENCH_STATEMENT_LINES", "5000"))
    report = Report("statements", {"lines": lines})
    for backend, url, directory in migrated_backends():
        figures = asyncio.run(_measure(url, directory, lines))
        seconds = figures["seconds"]
        report.add(
            f"{backend}: import of {lines} lines",
            seconds,
            "s",
            f"< {GOAL_SECONDS:g} s",
            seconds < GOAL_SECONDS,
        )
        report.add(f"{backend}: longest write transaction", figures["longest_write"], "s")
        report.add(
            f"{backend}: walletChanged events / credited",
            figures["events"] / max(figures["credited"], 1),
            "ratio",
            "1 (every credited wallet)",
            figures["events"] == figures["credited"] == lines,
        )
        report.add(
            f"{backend}: {int(figures['mails'])} receipt mails rendered after commit",
            figures["mail_seconds"],
            "s",
        )
        report.add(
            f"{backend}: their longest write transaction", figures["mail_longest_write"], "s"
        )
        report.add(f"{backend}: baseline, {lines} bare ledger credits", figures["baseline"], "s")
        report.add(
            f"{backend}: import / baseline", seconds / max(figures["baseline"], 1e-9), "ratio"
        )
        report.details[backend] = figures
    report.finish()
