"""`make bench`: runs every benchmark module listed here; each prints its figures and writes JSON
under bench/results/. Benchmarks are not tests: they measure against a baseline in the same run."""

import importlib
import sys

# Each name is a module of bench/ with a `main()`; helpers list theirs here.
BENCHMARKS: list[str] = [
    "fanout",
    "memory",
    "dashboard",
    "contention",
    "billing_pdf",
    "statements",
    "roster",
    "invoices_issue",
]


def main(names: list[str]) -> int:
    selected = [b for b in BENCHMARKS if not names or b in names]
    if not selected:
        print("no benchmark selected; available:", ", ".join(BENCHMARKS) or "none yet")
        return 0
    for name in selected:
        module = importlib.import_module(f"bench.{name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
