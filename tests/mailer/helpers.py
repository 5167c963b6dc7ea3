"""Short ways to build workers, enqueue mail and read the outbox in the mail tests."""

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from mailer.outbox import Outbox
from mailer.senders import SmtpSender
from mailer.worker import OutboxWorker
from models.db import Database
from models.mail import OutboxMail
from tests.mailer.samples import SAMPLE_CONTEXTS
from tests.support.clock import FakeClock


def smtp_sender(port: int) -> SmtpSender:
    return SmtpSender.from_url(f"smtp://127.0.0.1:{port}?timeout=5")


def worker_for(db: Database, clock: FakeClock, port: int, **options: Any) -> OutboxWorker:
    settings: dict[str, Any] = {"retry_base_seconds": 10.0, "max_attempts": 3, "poll_seconds": 30.0}
    return OutboxWorker(db, smtp_sender(port), clock, **(settings | options))


async def enqueue(db: Database, outbox: Outbox, clock: FakeClock, **mail: Any) -> OutboxMail:
    """Enqueue one mail in its own committed transaction."""
    mail.setdefault("template", "password_reset")
    mail.setdefault("locale", "fr")
    mail.setdefault("context", SAMPLE_CONTEXTS[mail["template"]])
    async with db.write() as session:
        row = await outbox.enqueue(session, now=clock(), **mail)
        await session.commit()
    return row


async def outbox_rows(db: Database) -> list[OutboxMail]:
    async with db.read() as session:
        return list(
            (await session.execute(select(OutboxMail).order_by(col(OutboxMail.id)))).scalars()
        )
