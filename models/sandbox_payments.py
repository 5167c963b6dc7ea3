"""The built-in sandbox payment provider's own records (it shares the database, not the code)."""

from datetime import datetime

from sqlmodel import SQLModel

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
