"""Imports racing each other: the database decides, each entry is credited once."""

import asyncio
from typing import Any

import pytest

from services.banking import importing
from services.banking.importing import ImportResult
from services.demo.statement_files import Movement, camt053_file, coda_file, statement
from services.sql.uow import Transactions
from tests.services.banking.helpers import balances, digits, import_file, line_count, setting


async def test_one_file_imported_five_times_at_once_credits_once(tx: Transactions) -> None:
    s = await setting(tx, families=3)
    data = coda_file(
        statement(
            *(
                Movement(1000 * (i + 1), f"RACE{i}", communication=digits(wallets[0]))
                for i, wallets in enumerate(s.wallets)
            ),
            number=40,
        )
    )

    results = await asyncio.gather(*(import_file(tx, s.staff, data) for _ in range(5)))

    assert all(isinstance(r, ImportResult) for r in results)
    done = [r for r in results if isinstance(r, ImportResult)]
    # One import claimed the statement; the others joined it (resuming), and between them
    # every entry was credited exactly once.
    assert [r.duplicate for r in done].count(False) == 1
    assert sum(r.credited for r in done) == 3
    assert len({r.statement_id for r in results if isinstance(r, ImportResult)}) == 1
    assert await balances(tx, s) == [[1000, 0], [2000, 0], [3000, 0]]


async def test_coda_and_camt_of_the_same_entries_at_once_credit_once(tx: Transactions) -> None:
    s = await setting(tx, families=2)
    spec = statement(
        Movement(1500, "BOTH1", communication=digits(s.wallets[0][0])),
        Movement(2500, "BOTH2", communication=digits(s.wallets[1][1])),
        number=41,
    )

    results = await asyncio.gather(
        import_file(tx, s.staff, coda_file(spec)), import_file(tx, s.staff, camt053_file(spec))
    )

    credited = [r.credited for r in results if isinstance(r, ImportResult)]
    assert sorted(credited) == [0, 2]
    assert await balances(tx, s) == [[1500, 0], [0, 2500]]
    assert await line_count(tx, s.school_id) == 2


async def test_an_import_stopped_half_way_is_resumed_by_the_next(
    tx: Transactions, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = await setting(tx, families=3)
    data = coda_file(
        statement(
            *(
                Movement(100 * (i + 1), f"HALF{i}", communication=digits(wallets[0]))
                for i, wallets in enumerate(s.wallets)
            ),
            number=42,
        )
    )
    monkeypatch.setattr(importing, "BATCH", 2)
    calls = 0
    real = importing._import_entries

    async def stops_after_one_batch(*args: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionResetError("the process stopped")
        return await real(*args)

    monkeypatch.setattr(importing, "_import_entries", stops_after_one_batch)
    with pytest.raises(ConnectionResetError):
        await import_file(tx, s.staff, data)
    assert await balances(tx, s) == [[100, 0], [200, 0], [0, 0]]

    resumed = await import_file(tx, s.staff, data)
    again = await import_file(tx, s.staff, data)

    assert isinstance(resumed, ImportResult) and isinstance(again, ImportResult)
    assert (resumed.credited, resumed.lines) == (1, 3)
    assert (again.credited, again.duplicate) == (0, True)
    assert await balances(tx, s) == [[100, 0], [200, 0], [300, 0]]
