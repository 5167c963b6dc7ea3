"""Every money test ends by proving the ledger balances."""

from collections.abc import AsyncIterator

import pytest

from services.sql.uow import Transactions
from tests.support.ledger import assert_ledger_balanced


@pytest.fixture(autouse=True)
async def ledger_stays_balanced(tx: Transactions) -> AsyncIterator[None]:
    yield
    await assert_ledger_balanced(tx)
