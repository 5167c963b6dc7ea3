"""`cli invoice-reminders` (a daily timer's command): the demo school's overdue invoices (one
for each of Emma, Lucas and Léa) are reminded once, a second run the same day queues nothing."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

import cli
from models.db import open_database
from models.mail import OutboxMail
from tests.support.demo_cli import demo_school_for_cli


async def _reminders_queued(url: str) -> int:
    database = open_database(url)
    try:
        async with database.read() as session:
            subjects = (await session.scalars(select(col(OutboxMail.subject)))).all()
    finally:
        await database.dispose()
    return sum(1 for subject in subjects if "en retard" in subject or "overdue" in subject)


def test_invoice_reminders_on_the_demo_school_once(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo_school_for_cli(database_url, tmp_path, monkeypatch)
    capsys.readouterr()

    assert cli.main(["invoice-reminders"]) == 0
    assert capsys.readouterr().out.strip() == "queued 3 invoice reminders"
    assert cli.main(["invoice-reminders"]) == 0
    assert capsys.readouterr().out.strip() == "queued 0 invoice reminders"
    # A mail per guardian of each, queued in the outbox for the mail worker.
    assert asyncio.run(_reminders_queued(database_url)) >= 3
