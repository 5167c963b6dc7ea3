"""The built-in sandbox payment provider's own records (it shares the database, not the code)."""

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class SandboxPayment(SQLModel, table=True):
    """A decided sandbox payment: written once, when the payer chooses paid or failed."""

    __tablename__ = "sandbox_payments"

    payment_id: str = text_field(64, primary_key=True)
    amount_cents: int = cents_field()
    currency: str = text_field(3)
    reference: str = text_field(100)
    status: str = text_field(16)  # paid | failed
    decided_at: datetime = utc_field()
    delivered_at: datetime | None = utc_field(nullable=True, default=None)
    attempts: int = 0
    # The webhook still to deliver survives a restart: where, which event, and when to try next.
    webhook_url: str = Field(default="", sa_type=Text)
    event_id: str = text_field(40, default="")
    next_attempt_at: datetime | None = utc_field(nullable=True, default=None, index=True)
