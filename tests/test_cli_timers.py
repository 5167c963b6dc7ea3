"""The timers' commands (`python -m cli <command>`) on the demo school: each runs against the
configured database and says what it did; a second run finds nothing left to do."""

from pathlib import Path

import pytest

import cli
from tests.support.demo_cli import demo_school_for_cli


@pytest.fixture
def demo_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    demo_school_for_cli(database_url, tmp_path, monkeypatch)
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
