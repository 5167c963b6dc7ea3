"""Importing statements: the right wallets credited once, debits and fees only recorded, the
guardians told in their language, and a refused file changing nothing."""

import asyncio
from datetime import date
from pathlib import Path

import coda
import pytest

from models.accounts import Role
from pubsub.deliveries import Message
from services.banking.importing import ImportResult
from services.banking.problems import Problem, StatementRejected
from services.common.errors import ErrorCode
from services.demo.statement_files import (
    Movement,
    camt053_file,
    coda_file,
    globalised,
    statement,
)
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from services.wallets.views import wallet_channel
from tests.factories import make_school, make_user
from tests.services.banking.helpers import (
    balances,
    digits,
    import_file,
    line_count,
    setting,
)
from tests.support.mail import mails_to, text_of

OTHER_IBAN = "BE68539007547034"


def coda_samples() -> list[Path]:
    root = Path(coda.__file__).resolve().parent
    found = sorted(p for p in root.rglob("*") if p.suffix.lower() in {".txt", ".cod"})
    return found


async def test_a_coda_statement_credits_the_wallets_its_communications_name(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=2, locales=("nl", "en"))
    (meals_a, activities_a), (meals_b, _) = s.wallets
    data = coda_file(
        statement(
            Movement(2500, "A1", communication=digits(meals_a), counterparty_name="JANSSENS"),
            Movement(-1200, "A2", counterparty_name="FOURNISSEUR"),
            Movement(-350, "A3", fee=True),
            globalised(
                "A4",
                Movement(1000, "A4A", communication=digits(activities_a)),
                Movement(700, "A4B", communication=digits(meals_b)),
            ),
            opening_cents=50_000,
        )
    )

    result = await import_file(tx, s.staff, data)

    assert isinstance(result, ImportResult)
    assert (result.lines, result.credited, result.unmatched, result.duplicate) == (5, 3, 0, False)
    assert await balances(tx, s) == [[2500, 1000], [700, 0]]
    # The guardians each get a receipt per credit, in their own language.
    [first, second] = await mails_to(runtime, s.families[0].parent.user.email)
    assert "25,00" in text_of(first) and "Repas" in text_of(first)
    assert "overschrijving van €\xa025,00 ontvangen" in text_of(first)
    assert "10,00" in text_of(second) and "Activités" in text_of(second)
    [english] = await mails_to(runtime, s.families[1].parent.user.email)
    assert "€7.00" in text_of(english)


async def test_the_same_file_twice_credits_nothing_the_second_time(tx: Transactions) -> None:
    s = await setting(tx, families=1)
    meals = s.wallets[0][0]
    data = coda_file(statement(Movement(1500, "B1", communication=digits(meals)), number=7))

    first = await import_file(tx, s.staff, data)
    again = await import_file(tx, s.staff, data)

    assert isinstance(first, ImportResult) and isinstance(again, ImportResult)
    assert (first.credited, first.duplicate) == (1, False)
    assert (again.statement_id, again.lines, again.credited, again.duplicate) == (
        first.statement_id,
        1,
        0,
        True,
    )
    assert await balances(tx, s) == [[1500, 0]]


async def test_camt_over_days_imported_from_coda_credits_only_new_entries(
    tx: Transactions,
) -> None:
    s = await setting(tx, families=1)
    meals, activities = s.wallets[0]
    day = date(2025, 10, 6)
    seen = Movement(2000, "C1", communication=digits(meals))
    coda = coda_file(statement(seen, statement_date=day, number=12))
    camt = camt053_file(
        statement(
            seen,
            Movement(900, "C2", communication=digits(activities)),
            statement_date=day,
            number=12,
        )
    )

    from_coda = await import_file(tx, s.staff, coda)
    from_camt = await import_file(tx, s.staff, camt)

    assert isinstance(from_coda, ImportResult) and isinstance(from_camt, ImportResult)
    assert (from_camt.lines, from_camt.credited, from_camt.duplicate) == (1, 1, False)
    assert await balances(tx, s) == [[2000, 900]]
    assert await line_count(tx, s.school_id) == 2


@pytest.mark.parametrize("fmt", ["coda", "camt"])
async def test_refused_files_change_nothing(tx: Transactions, fmt: str) -> None:
    s = await setting(tx, families=1)
    meals = s.wallets[0][0]
    write = coda_file if fmt == "coda" else camt053_file
    good = statement(Movement(1000, f"D1{fmt}", communication=digits(meals)), number=20)
    truncated = write(good)[: len(write(good)) * 2 // 3]
    wrong_closing = write(
        statement(Movement(1000, f"D2{fmt}", communication=digits(meals)), closing_cents=5)
    )
    other_account = write(
        statement(Movement(1000, f"D3{fmt}", communication=digits(meals)), iban=OTHER_IBAN)
    )

    outcomes = [await import_file(tx, s.staff, data) for data in (truncated, wrong_closing)]
    outcomes.append(await import_file(tx, s.staff, other_account))

    problems = [o.problem if isinstance(o, StatementRejected) else o for o in outcomes]
    assert problems[1:] == [Problem.BALANCE_MISMATCH, Problem.WRONG_ACCOUNT]
    assert problems[0] in {Problem.INCOMPLETE, Problem.UNREADABLE}
    assert all(o.code is ErrorCode.INVALID_INPUT for o in outcomes)  # type: ignore[union-attr]
    assert await balances(tx, s) == [[0, 0]]
    assert await line_count(tx, s.school_id) == 0


async def test_a_wrong_check_digit_leaves_the_line_unmatched(tx: Transactions) -> None:
    s = await setting(tx, families=1)
    meals = s.wallets[0][0]
    typed = digits(meals)[:-1] + str((int(digits(meals)[-1]) + 1) % 10)
    data = coda_file(statement(Movement(3000, "E1", communication=typed), number=30))

    result = await import_file(tx, s.staff, data)

    assert isinstance(result, ImportResult)
    assert (result.credited, result.unmatched) == (0, 1)
    assert await balances(tx, s) == [[0, 0]]


async def test_only_staff_import(tx: Transactions) -> None:
    s = await setting(tx, families=1)
    data = coda_file(statement(Movement(100, "F1"), number=31))
    refused = await import_file(tx, s.families[0].parent, data)
    assert not isinstance(refused, ImportResult) and refused.code is ErrorCode.FORBIDDEN


async def test_the_sample_files_of_febelfin_coda_import(tx: Transactions) -> None:
    samples = coda_samples()
    assert samples, "febelfin-coda ships its sample files"
    imported = 0
    for sample in samples:
        data = sample.read_bytes()
        from services.banking.reader import parse_statement_file

        try:
            parsed = parse_statement_file(data)
        except StatementRejected:
            continue
        iban = parsed.statements[0].account_iban if parsed.statements else None
        if iban is None:
            continue
        school = await make_school(tx, bank_iban=iban)
        staff = await make_user(tx, school, Role.STAFF)
        result = await import_file(tx, staff, data)
        assert isinstance(result, ImportResult), (sample.name, result)
        # No wallet of this school is named: every credit waits, unmatched; nothing is lost.
        assert result.credited == 0
        assert result.lines == len(parsed.entries)
        imported += 1
    assert imported >= 1


async def test_each_credited_wallet_is_pushed_live_after_the_commit(
    tx: Transactions, runtime: Runtime
) -> None:
    s = await setting(tx, families=2)
    (meals_a, _), (_, activities_b) = s.wallets
    data = coda_file(
        statement(
            Movement(1100, "L1", communication=digits(meals_a)),
            Movement(2200, "L2", communication=digits(activities_b)),
            Movement(-500, "L3"),
            number=80,
        )
    )
    channels = [wallet_channel(f.child.id or 0) for f in s.families]
    async with (
        runtime.pubsub.subscribe(channels[0]) as first,
        runtime.pubsub.subscribe(channels[1]) as second,
    ):
        result = await import_file(tx, s.staff, data)
        assert isinstance(result, ImportResult) and result.credited == 2
        got = [await asyncio.wait_for(anext(sub), 5) for sub in (first, second)]

    payloads = [g.payload for g in got if isinstance(g, Message)]
    assert [(p["wallet"]["id"], p["wallet"]["balanceCents"]) for p in payloads] == [
        (meals_a.id, 1100),
        (activities_b.id, 2200),
    ]
    assert [p["operation"]["label"] for p in payloads] == ["Virement bancaire du 15/09/2025"] * 2
