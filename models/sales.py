"""Point-of-sale devices (vending machines, canteen tills, the school shop) and what they sold."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class DeviceKind(StrEnum):
    VENDING = "vending"
    CANTEEN = "canteen"
    SHOP = "shop"


class Device(SQLModel, table=True):
    """A device authenticates with its key; only the key's SHA-256 is stored."""

    __tablename__ = "pos_devices"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    name: str = text_field(100)
    kind: str = text_field(16)
    key_hash: str = text_field(64, unique=True)
    created_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(nullable=True, default=None)


class Sale(SQLModel, table=True):
    """One line of a purchase; the lines of one purchase share its ledger transaction."""

    __tablename__ = "sales"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_cents >= 0", name="unit_price_not_negative"),
        Index("ix_sales_child_at_id", "child_id", "at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    child_id: int = Field(foreign_key="children.id")
    wallet_id: int = Field(foreign_key="wallets.id")
    device_id: int = Field(foreign_key="pos_devices.id", index=True)
    transaction_id: int = Field(foreign_key="ledger_transactions.id", index=True)
    article: str = text_field(200)
    # Lower-cased, accents stripped: searched alike on SQLite and PostgreSQL.
    article_search: str = text_field(200)
    quantity: int
    unit_price_cents: int = cents_field()
    amount_cents: int = cents_field()
    at: datetime = utc_field()
