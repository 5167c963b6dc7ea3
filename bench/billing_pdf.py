"""billing_pdf: what rendering the billing PDFs costs (services/billing), without a database.

1. One invoice rendered BENCH_PDF_RENDERS times (default 200) in this process: median CPU
   time (the figure that holds when other work shares the cores; its goal) and wall clock.
2. The same for a photo order summary.
3. A whole school: BENCH_INVOICES invoices (default 1,000), each its own child, number and
   communication, rendered by 2 worker processes (the 2 cores of the reference machine),
   timed from the first submission to the last PDF, with the CPU time the workers spent.

Goal (issue 14): a school of 1,000 billed in well under 60 s on 2 cores, so a few tens of
milliseconds per PDF at most.
"""

import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

from bench.common import Report, percentile
from services.billing.documents import (
    BillLine,
    ChildDetails,
    InvoiceDocument,
    PhotoOrderDocument,
    SchoolDetails,
)
from services.billing.pdf_invoice import render_invoice_pdf
from services.billing.pdf_photo_order import render_photo_order_pdf
from services.billing.pdf_texts import LOCALES
from services.wallets.communication import communication_for

WORKERS = 2
PER_PDF_GOAL_MS = 40.0
SCHOOL_GOAL_S = 30.0  # half the minute the whole issuing may take

SCHOOL = SchoolDetails(
    name="École communale Les Tilleuls",
    address=("Rue des Écoles 12", "1050 Ixelles"),
    account_holder="Les Tilleuls ASBL",
    iban="BE68 5390 0754 7034",
    bic="GKCCBEBB",
)
LINES = (
    BillLine("Classe verte à Han-sur-Lesse (3 nuits)", 1, 120_00),
    BillLine("Repas", 4, 6_25),
    BillLine("Bus", 1, 12_50),
)


def invoice(index: int) -> InvoiceDocument:
    issued = date(2026, 12, 1)
    return InvoiceDocument(
        locale=LOCALES[index % len(LOCALES)],
        school=SCHOOL,
        child=ChildDetails(f"Élève n° {index} Dupont-Şahin", f"{1 + index % 6}A"),
        number=f"2026-{index + 1:04d}",
        title="Classe verte",
        issued_on=issued,
        due_on=issued + timedelta(days=17),
        lines=LINES,
        amount_due_cents=sum(line.amount_cents for line in LINES),
        communication=communication_for(2, index + 1),
    )


def photo_order() -> PhotoOrderDocument:
    return PhotoOrderDocument(
        locale="fr",
        school=SCHOOL,
        child=ChildDetails("Emma Dupont", "3A"),
        campaign_title="Photos de classe 2026",
        invoice_number="2026-0057",
        ordered_on=date(2026, 10, 5),
        due_on=date(2026, 10, 26),
        articles=(BillLine("Photo de classe 20 × 30", 2, 8_00), BillLine("Portraits", 1, 15_50)),
        communication=communication_for(3, 57),
    )


def timed(render: Callable[[], bytes], count: int) -> tuple[list[float], list[float], int]:
    """Wall and CPU milliseconds of `count` renders (after one warm-up), and the PDF's size."""
    size = len(render())
    walls, cpus = [], []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        render()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return walls, cpus, size


def _render_range(bounds: tuple[int, int]) -> tuple[int, float]:
    """Bytes produced and CPU seconds spent rendering invoices start..stop-1."""
    start, stop = bounds
    cpu = time.process_time()
    produced = sum(len(render_invoice_pdf(invoice(i))) for i in range(start, stop))
    return produced, time.process_time() - cpu


def whole_school(invoices: int) -> tuple[float, float, int]:
    """Elapsed seconds to render `invoices` invoices on WORKERS processes, the CPU seconds
    the workers spent on them, and the bytes produced."""
    chunk = 25
    ranges = [(start, min(start + chunk, invoices)) for start in range(0, invoices, chunk)]
    with ProcessPoolExecutor(WORKERS) as pool:
        list(pool.map(_render_range, [(0, 1)] * WORKERS))  # workers started and warm
        began = time.perf_counter()
        results = list(pool.map(_render_range, ranges))
        elapsed = time.perf_counter() - began
    return elapsed, sum(cpu for _, cpu in results), sum(size for size, _ in results)


def main() -> None:
    renders = int(os.environ.get("BENCH_PDF_RENDERS", "200"))
    invoices = int(os.environ.get("BENCH_INVOICES", "1000"))
    report = Report("billing_pdf", {"renders": renders, "invoices": invoices, "workers": WORKERS})
    one = invoice(0)
    walls, cpus, size = timed(lambda: render_invoice_pdf(one), renders)
    cpu_median = statistics.median(cpus)
    report.add(
        "invoice PDF, median (CPU)",
        cpu_median,
        "ms",
        f"<= {PER_PDF_GOAL_MS:.0f} ms",
        cpu_median <= PER_PDF_GOAL_MS,
    )
    report.add("invoice PDF, median (wall)", statistics.median(walls), "ms")
    report.add("invoice PDF, p95 (wall)", percentile(walls, 95), "ms")
    report.add("invoice PDF size", size / 1024, "KB")
    order = photo_order()
    walls, cpus, _ = timed(lambda: render_photo_order_pdf(order), renders)
    report.add("photo order PDF, median (CPU)", statistics.median(cpus), "ms")
    report.add("photo order PDF, median (wall)", statistics.median(walls), "ms")
    seconds, cpu_seconds, produced = whole_school(invoices)
    report.add(
        f"{invoices} invoices on {WORKERS} processes",
        seconds,
        "s",
        f"<= {SCHOOL_GOAL_S:.0f} s",
        seconds <= SCHOOL_GOAL_S,
    )
    report.add("  CPU per invoice (both workers)", cpu_seconds / invoices * 1000, "ms")
    report.details = {"school_bytes": produced, "school_cpu_seconds": cpu_seconds}
    report.finish()


if __name__ == "__main__":
    main()
