"""Every statement test ends by proving the ledger balances (what `verify-ledger` checks)."""

from collections.abc import AsyncIterator

import pytest

from services.sql.uow import Transactions
from tests.support.ledger import assert_ledger_balanced


@pytest.fixture(autouse=True)
async def ledger_stays_balanced(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "tx" in request.fixturenames:
        tx: Transactions = request.getfixturevalue("tx")
        await assert_ledger_balanced(tx)
