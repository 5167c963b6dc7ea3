"""Mail fixtures: an outbox built from the test settings, a clean queue, real SMTP servers."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlmodel import col

from mailer.outbox import Outbox
from mailer.senders import SmtpSender
from mailer.worker import OutboxWorker
from models.db import Database
from models.mail import OutboxMail
from settings import Settings
from tests.mailer.samples import SAMPLE_CONTEXTS
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.backends import free_port
from tests.support.clock import FakeClock


@pytest.fixture(scope="module")
def outbox(settings: Settings) -> Outbox:
    return Outbox.from_settings(settings)


@pytest.fixture
async def empty_outbox(db: Database) -> None:
    """Tests of one module share a database: each starts from an empty queue."""
    async with db.write() as session:
        await session.execute(delete(OutboxMail))
        await session.commit()


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtpd(smtp_port: int) -> Iterator[Recorder]:
    with smtp_server(smtp_port) as recorder:
        yield recorder


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
