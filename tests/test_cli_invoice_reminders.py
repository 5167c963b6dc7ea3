"""`cli invoice-reminders` (a daily timer's command): an overdue invoice of the demo school is
reminded once, a second run the same day queues nothing."""

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

import cli
from mailer.outbox import Outbox
from models.accounts import Role, User
from models.db import open_database
from models.family import Child
from models.mail import OutboxMail
from services.accounts.actor import Actor
from services.billing.issuing import issue_invoice
from services.billing.publishing import publish_invoices
from services.billing.views import LineInput
from services.sql.uow import Transactions
from settings import Settings
from storage.local import LocalStorage


async def _overdue_invoice() -> None:
    """Emma's school trip, due a week ago, issued and published as staff would."""
    settings = Settings()
    database = open_database(settings.database_url)
    try:
        tx = Transactions(database, settings, outbox=Outbox.from_settings(settings))
        async with database.read() as session:
            staff = await session.scalar(select(User).where(col(User.role) == Role.STAFF))
            child = await session.scalar(select(Child).where(col(Child.first_name) == "Emma"))
        assert staff is not None and staff.id is not None and child is not None
        actor = Actor(staff.id, staff.school_id, Role.STAFF, "fr")
        today = tx.now().date()
        invoice = await tx.run(
            lambda uow: issue_invoice(
                uow,
                actor,
                child.id or 0,
                "Excursion",
                [LineInput("Bus", 1, 12_00)],
                today - timedelta(days=30),
                today - timedelta(days=7),
            )
        )
        await publish_invoices(tx, LocalStorage(settings.documents_dir), [invoice.id])
    finally:
        await database.dispose()


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
    asyncio.run(_overdue_invoice())
    capsys.readouterr()

    assert cli.main(["invoice-reminders"]) == 0
    assert capsys.readouterr().out.strip() == "queued 1 invoice reminders"
    assert cli.main(["invoice-reminders"]) == 0
    assert capsys.readouterr().out.strip() == "queued 0 invoice reminders"
    # One mail per guardian of Emma, queued in the outbox for the mail worker.
    assert asyncio.run(_reminders_queued(database_url)) >= 1
