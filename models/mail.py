"""The mail outbox: written in the same transaction as what caused the mail, sent later."""

from datetime import datetime

from sqlalchemy import Index, LargeBinary
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class OutboxMail(SQLModel, table=True):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_pending", "sent_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    to_address: str = text_field(254)
    subject: str = text_field(300)
    message_id: str = text_field(200, unique=True)
    # The whole rendered RFC 5322 message, so sending never needs the templates again.
    raw: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = utc_field()
    attempts: int = 0
    next_attempt_at: datetime = utc_field()
    claimed_until: datetime | None = utc_field(nullable=True, default=None)
    sent_at: datetime | None = utc_field(nullable=True, default=None)
    failed_at: datetime | None = utc_field(nullable=True, default=None)
    last_error: str | None = text_field(500, nullable=True, default=None)
