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
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlmodel import col

from bench.common import Report
from bench.databases import backend_database, cli, server_env
from bench.seeding import school_with_parents
from mailer.outbox import Outbox
from models.db import open_database
from models.family import School
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.wallets import Wallet
from services.banking.importing import import_statement_file
from services.banking.receipts import mail_pending_receipts
from services.demo.statement_files import DEMO_IBAN, Movement, coda_file, statement
from services.sql.audit import AuditContext
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import ledger
from services.wallets.communication import WALLET, communication_for
from settings import Settings

T = TypeVar("T")
GOAL_SECONDS = 10.0


class Events:
    """Counts what would reach the broadcast: one walletChanged per credited wallet."""

    def __init__(self) -> None:
        self.wallet_events = 0

    async def publish(self, channel: str, payload: dict[str, Any]) -> None:
        if channel.startswith("wallets:child:"):
            self.wallet_events += 1


class TimedTransactions(Transactions):
    """Transactions that remember how long the longest one held the database for writing."""

    longest = 0.0

    async def _run(
        self, work: Callable[[UnitOfWork], Awaitable[T]], audit: AuditContext | None
    ) -> T:
        started = time.perf_counter()
        try:
            return await super()._run(work, audit)
        finally:
            self.longest = max(self.longest, time.perf_counter() - started)


async def _measure(url: str, directory: str, lines: int) -> dict[str, float]:
    settings = Settings(
        database_url=url,
        mail_outbox_dir=os.path.join(directory, "outbox"),
        demo=False,
        public_url="http://127.0.0.1:8000",
    )
    database = open_database(url)
    events = Events()
    tx = TimedTransactions(database, settings, events, Outbox.from_settings(settings))
    try:
        bench = await school_with_parents(tx, lines)
        await tx.run(lambda uow: _set_iban(uow, bench.school_id))
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
        tx.longest = 0.0
        events.wallet_events = 0
        started = time.perf_counter()
        result = await import_statement_file(tx, bench.staff, data)
        elapsed = time.perf_counter() - started
        import_longest = tx.longest
        tx.longest = 0.0
        started = time.perf_counter()
        mails = await mail_pending_receipts(tx)
        mailing = time.perf_counter() - started
        return {
            "mails": mails,
            "mail_seconds": mailing,
            "mail_longest_write": tx.longest,
            "seconds": elapsed,
            "longest_write": import_longest,
            "credited": result.credited,
            "events": events.wallet_events,
            "baseline": baseline,
            "file_bytes": len(data),
        }
    finally:
        await database.dispose()


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

    started = time.perf_counter()
    await tx.run(work)
    return time.perf_counter() - started


async def _set_iban(uow: UnitOfWork, school_id: int) -> None:
    await uow.session.execute(
        update(School).where(col(School.id) == school_id).values(bank_iban=DEMO_IBAN)
    )


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
    for backend in ("sqlite", "postgres"):
        with backend_database(backend) as url:
            if url is None:
                continue
            with tempfile.TemporaryDirectory(prefix="cartable-bench-") as directory:
                cli("migrate", server_env(url, directory))
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
