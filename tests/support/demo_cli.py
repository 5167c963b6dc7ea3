"""The configuration a timer's command reads, pointed at a fresh demo school: for tests that run
`cli.main([...])` as a daily or weekly timer would."""

from pathlib import Path

import pytest

import cli


def demo_school_for_cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the environment the commands read, migrate and seed the demo (one family)."""
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
