"""Enqueueing: render the mail now and add it to the caller's transaction.

The row commits or rolls back with what caused it, so an action that fails sends nothing
and one that succeeds cannot lose its mail. Sending is the worker's job (mailer/worker.py).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mailer.message import Attachment, build_message
from mailer.render import MailRenderer
from models.mail import OutboxMail
from settings import Settings

SUBJECT_COLUMN_LENGTH = 300


class Outbox:
    def __init__(self, renderer: MailRenderer, *, mail_from: str) -> None:
        self.renderer = renderer
        self.mail_from = mail_from

    @classmethod
    def from_settings(cls, settings: Settings) -> "Outbox":
        return cls(MailRenderer(public_url=settings.public_url), mail_from=settings.mail_from)

    def prepare(
        self,
        *,
        to: str,
        template: str,
        locale: str,
        context: Mapping[str, Any],
        now: datetime,
        school_id: int | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> OutboxMail:
        """The rendered mail's row, not yet in any session: for rendering many mails outside a
        write transaction (rendering costs milliseconds each) and adding them in a short one."""
        rendered = self.renderer.render(template, locale, context)
        message = build_message(
            mail_from=self.mail_from, to=to, mail=rendered, now=now, attachments=attachments
        )
        return OutboxMail(
            school_id=school_id,
            to_address=to,
            subject=rendered.subject[:SUBJECT_COLUMN_LENGTH],
            message_id=str(message["Message-ID"]),
            raw=message.as_bytes(),
            created_at=now,
            next_attempt_at=now,
        )

    async def enqueue(
        self,
        session: AsyncSession,
        *,
        to: str,
        template: str,
        locale: str,
        context: Mapping[str, Any],
        now: datetime,
        school_id: int | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> OutboxMail:
        """Render `template` for `locale` (falls back to French) and add it to `session`.

        Raises UnknownTemplate, jinja2.UndefinedError (a context key is missing) or
        ValueError (bad address or attachment type): the caller's transaction should fail.
        """
        row = self.prepare(
            to=to,
            template=template,
            locale=locale,
            context=context,
            now=now,
            school_id=school_id,
            attachments=attachments,
        )
        session.add(row)
        # Flushing gives the row its id and surfaces constraint errors here, still inside
        # the caller's transaction.
        await session.flush()
        return row
