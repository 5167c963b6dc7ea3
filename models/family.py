"""Schools (the tenants), children and who their guardians are."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class School(SQLModel, table=True):
    __tablename__ = "schools"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = text_field(64, unique=True)
    name: str = text_field(200)
    timezone: str = text_field(64, default="Europe/Brussels")
    # Feature switches: what the school offers its parents.
    feature_meals: bool = True
    feature_photos: bool = False
    feature_meetings: bool = True
    feature_online_top_up: bool = True
    feature_bank_transfer_top_up: bool = True
    feature_internal_transfer: bool = True
    feature_pay_invoice_from_wallet: bool = False
    # Staff and teachers cannot finish signing in without two-factor sign-in (TOTP).
    totp_required_for_staff: bool = False
    # Where bank transfers go (IBAN validated by services with schwifty).
    bank_iban: str | None = text_field(34, nullable=True, default=None)
    bank_bic: str | None = text_field(11, nullable=True, default=None)
    bank_holder: str | None = text_field(200, nullable=True, default=None)
    # Printed under the school's name on invoices.
    address_street: str | None = text_field(200, nullable=True, default=None)
    address_postcode: str | None = text_field(10, nullable=True, default=None)
    address_city: str | None = text_field(100, nullable=True, default=None)
    # Invoice settings: reminder mails (days before the due date) and partial wallet payments.
    invoice_reminders: bool = True
    invoice_reminder_days_before: int = 3
    invoice_partial_payments: bool = False
    created_at: datetime = utc_field()
    # How long a leaver's guardians still read its history (days after it left).
    leaver_access_days: int = Field(default=90, sa_column_kwargs={"server_default": "90"})


class Child(SQLModel, table=True):
    __tablename__ = "children"
    # The administration software's student id: what a roster import is keyed by.
    __table_args__ = (UniqueConstraint("school_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    first_name: str = text_field(100)
    last_name: str = text_field(100)
    class_name: str | None = text_field(50, nullable=True, default=None)
    created_at: datetime = utc_field()
    external_id: str | None = text_field(50, nullable=True, default=None)
    # Set when the child leaves the school (a full roster import without it).
    left_at: datetime | None = utc_field(nullable=True, default=None)
    # left_at + the school's leaver_access_days: the guardians' access ends then (None: no end).
    guardians_until: datetime | None = utc_field(nullable=True, default=None)


class Guardianship(SQLModel, table=True):
    """A parent (user) may see a child and everything that hangs off it."""

    __tablename__ = "guardianships"
    __table_args__ = (UniqueConstraint("parent_id", "child_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    parent_id: int = Field(foreign_key="users.id", index=True)
    child_id: int = Field(foreign_key="children.id", index=True)
