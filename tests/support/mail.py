"""Read the mails a test caused, from the outbox table (what the sender will deliver)."""

import email
import re
from email.message import EmailMessage
from email.policy import default

from sqlalchemy import select
from sqlmodel import col

from models.mail import OutboxMail
from services.sql.runtime import Runtime


async def mails_to(runtime: Runtime, address: str) -> list[EmailMessage]:
    async with runtime.database.read() as session:
        rows = (
            await session.scalars(
                select(OutboxMail)
                .where(col(OutboxMail.to_address) == address)
                .order_by(col(OutboxMail.id))
            )
        ).all()
    return [email.message_from_bytes(row.raw, policy=default) for row in rows]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def token_in(message: EmailMessage) -> str:
    found = re.search(r"/activate\?token=([A-Za-z0-9_\-%]+)", text_of(message))
    assert found, text_of(message)
    return found.group(1)
