"""invoices_issue: issuing one invoice per child to a whole school of BENCH_INVOICES children
(default 1,000) through `issue_invoices`, on SQLite and PostgreSQL.

Measured as staff would call it: the rows in batches of short transactions, then each PDF
rendered outside any transaction, stored, attached and mailed to the guardian.
- the total wall time (goal, issue 14: under 60 s);
- the longest write transaction (goal: under 1 s, the time other SQLite writers may wait);
- the publishing time per invoice (render, store, attach, mail), i.e. total minus the
  issuing transactions, divided by the number of invoices;
- the baseline in the same run: the same invoices' rows issued with no PDF in one transaction
  (`issue_invoice_internal`), and the total as a ratio of it.
"""

import asyncio
import os
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bench.common import Report
from bench.seeding import school_with_parents, set_iban
from bench.timing import migrated_backends, timed, timed_transactions
from models.family import Child
from services.billing.bulk import InvoiceTarget, issue_invoices
from services.billing.issuing import issue_invoice_internal
from services.billing.views import LineInput
from services.demo.statement_files import DEMO_IBAN
from services.sql.uow import Transactions, UnitOfWork
from storage.local import LocalStorage

GOAL_SECONDS = 60.0
WRITER_GOAL_SECONDS = 1.0
LINES = [LineInput("Classe verte (3 nuits)", 1, 120_00), LineInput("Repas", 4, 6_25)]
ISSUED, DUE = date(2026, 12, 1), date(2026, 12, 18)


async def _measure(url: str, directory: str, children: int) -> dict[str, float]:
    async with timed_transactions(url, directory) as (tx, _):
        storage = LocalStorage(tx.settings.documents_dir)
        bench = await school_with_parents(tx, children)
        await set_iban(tx, bench.school_id, DEMO_IBAN)
        child_ids = await tx.read(lambda s: _children(s, bench.school_id))
        baseline = await _baseline(tx, bench.school_id, child_ids)
        issued = await tx.measure(
            issue_invoices(
                tx,
                storage,
                bench.staff,
                InvoiceTarget.whole_school(),
                "Classe verte",
                LINES,
                ISSUED,
                DUE,
                "bench-issue",
            )
        )
        published = sum(1 for invoice in issued.result if invoice.document_id is not None)
        return {
            "seconds": issued.seconds,
            "longest_write": issued.longest_write,
            "issued": len(issued.result),
            "published": published,
            "baseline": baseline,
        }


async def _baseline(tx: Transactions, school_id: int, child_ids: list[int]) -> float:
    """The same number of invoice rows in one transaction, no PDF: the least issuing costs."""

    async def work(uow: UnitOfWork) -> None:
        for child_id in child_ids:
            await issue_invoice_internal(
                uow, school_id, child_id, "Base", LINES, ISSUED, DUE, source="bench"
            )

    return (await timed(tx.run(work))).seconds


async def _children(session: Any, school_id: int) -> list[int]:
    rows = await session.scalars(
        select(col(Child.id)).where(col(Child.school_id) == school_id).order_by(col(Child.id))
    )
    return [int(child_id) for child_id in rows]


def main() -> None:
    children = int(os.environ.get("BENCH_INVOICES", "1000"))
    report = Report("invoices_issue", {"children": children})
    for backend, url, directory in migrated_backends():
        figures = asyncio.run(_measure(url, directory, children))
        seconds = figures["seconds"]
        report.add(
            f"{backend}: issuing {children} invoices with their PDFs",
            seconds,
            "s",
            f"< {GOAL_SECONDS:g} s",
            seconds < GOAL_SECONDS and figures["published"] == children,
        )
        report.add(
            f"{backend}: longest write transaction",
            figures["longest_write"],
            "s",
            f"< {WRITER_GOAL_SECONDS:g} s",
            figures["longest_write"] < WRITER_GOAL_SECONDS,
        )
        report.add(
            f"{backend}: per invoice (rows, PDF, document, mail)",
            1000 * seconds / max(children, 1),
            "ms",
        )
        report.add(f"{backend}: baseline, {children} bare invoice rows", figures["baseline"], "s")
        report.add(
            f"{backend}: issuing / baseline", seconds / max(figures["baseline"], 1e-9), "ratio"
        )
        report.details[backend] = figures
    report.finish()
