"""Mail fixtures: an outbox built from the test settings, a clean queue, real SMTP servers."""

from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from mailer.outbox import Outbox
from models.db import Database
from models.mail import OutboxMail
from settings import Settings
from tests.mailer.smtpd import Recorder, smtp_server
from tests.support.backends import free_port


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
