"""After every money test: the books still balance (the check `make verify-ledger` runs)."""

from services.sql.uow import Transactions
from services.wallets.ledger_check import verify_ledger


async def assert_ledger_balanced(tx: Transactions) -> None:
    report = await tx.read(verify_ledger)
    assert report.ok, str(report)
