"""The timers' commands (`python -m cli <command>`) on the demo school: each runs against the
configured database and says what it did; a second run finds nothing left to do."""

from pathlib import Path

import pytest

import cli


@pytest.fixture
def demo_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in {
        "DATABASE_URL": database_url,
        "DEMO": "1",
        "DEMO_FAMILIES": "1",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "DOCUMENTS_DIR": str(tmp_path / "documents"),
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "256",
        "ARGON2_PARALLELISM": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SMTP_URL", raising=False)
    cli.main(["migrate"])
    cli.main(["seed-if-empty"])
    return database_url


def test_each_timer_command_runs_once_then_has_nothing_left(
    demo_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    first: list[str] = []
    second: list[str] = []
    for runs in (first, second):
        for command in (
            "publish-photo-orders",
            "sweep-idempotency-keys",
            "rotate-totp-secrets",
        ):
            assert cli.main([command]) == 0
            runs.append(capsys.readouterr().out.strip())

    # The demo's photo orders were published when seeded; no key is old enough to forget;
    # no demo user has enrolled a second factor.
    assert first[0] == second[0] == "published 0 photo order summaries"
    assert first[1].startswith("forgot 0 idempotency keys claimed before ")
    assert first[2] == second[2] == "re-encrypted 0 TOTP secrets"
