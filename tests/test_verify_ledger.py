"""`make verify-ledger` (cli verify-ledger): passes on a sound ledger, fails loudly on a broken one."""

import asyncio

import pytest
from sqlalchemy import text

import cli
from models.db import create_engine


async def _execute(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def test_verify_ledger_on_the_demo_school_then_on_a_tampered_balance(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {
        "DATABASE_URL": database_url,
        "DEMO": "1",
        "DEMO_FAMILIES": "1",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "256",
        "ARGON2_PARALLELISM": "1",
    }.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["verify-ledger"]) == 0
    assert "nothing to verify" in capsys.readouterr().out
    cli.main(["migrate"])
    cli.main(["seed-if-empty"])

    assert cli.main(["verify-ledger"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ledger balanced: 12 wallets")

    asyncio.run(_execute(database_url, "UPDATE wallets SET balance_cents = balance_cents + 1"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["verify-ledger"])
    assert exited.value.code == 1
    report = capsys.readouterr().out
    assert "LEDGER BROKEN" in report
    assert report.count("balance") >= 8
