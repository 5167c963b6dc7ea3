"""Meals: articles, what is offered on which day, closed days, the school's rule, reservations."""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, Index, Time, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class Allergen(StrEnum):
    """The 14 allergens of EU Regulation 1169/2011, Annex II (stored as their values)."""

    GLUTEN = "gluten"
    CRUSTACEANS = "crustaceans"
    EGGS = "eggs"
    FISH = "fish"
    PEANUTS = "peanuts"
    SOYBEANS = "soybeans"
    MILK = "milk"
    NUTS = "nuts"
    CELERY = "celery"
    MUSTARD = "mustard"
    SESAME = "sesame"
    SULPHITES = "sulphites"
    LUPIN = "lupin"
    MOLLUSCS = "molluscs"


EU_ALLERGENS = tuple(allergen.value for allergen in Allergen)


class MealArticle(SQLModel, table=True):
    __tablename__ = "meal_articles"
    __table_args__ = (CheckConstraint("price_cents >= 0", name="price_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    name: str = text_field(120)
    price_cents: int = cents_field()
    allergens: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = utc_field()


class MealOffering(SQLModel, table=True):
    """An article offered on a school day."""

    __tablename__ = "meal_offerings"
    __table_args__ = (UniqueConstraint("school_id", "day", "article_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    day: date = Field(index=True)
    article_id: int = Field(foreign_key="meal_articles.id", index=True)


class MealClosure(SQLModel, table=True):
    """A day without meals (holiday, strike...): nothing can be offered or reserved."""

    __tablename__ = "meal_closures"
    __table_args__ = (UniqueConstraint("school_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    day: date
    reason: str = text_field(200, default="")
    created_at: datetime = utc_field()


class MealSettings(SQLModel, table=True):
    """The school's reservation rule; a school without a row uses the defaults below."""

    __tablename__ = "meal_settings"

    school_id: int = Field(foreign_key="schools.id", primary_key=True)
    # Reservations for a day close `cutoff_days_before` school days earlier at `cutoff_time`.
    cutoff_days_before: int = 1
    cutoff_time: time = Field(default=time(10, 0), sa_column=Column(Time, nullable=False))
    horizon_days: int = 60


class MealReservation(SQLModel, table=True):
    """A reservation is a payment: it exists with its ledger debit, and a cancel is a refund."""

    __tablename__ = "meal_reservations"
    __table_args__ = (
        Index("ix_meal_reservations_child_day", "child_id", "day"),
        CheckConstraint("status IN ('ACTIVE', 'CANCELLED')", name="status_known"),
        # A second cancel can never refund twice: one refund transaction per reservation.
        Index(
            "uq_meal_reservations_refund",
            "refund_transaction_id",
            unique=True,
            sqlite_where=text("refund_transaction_id IS NOT NULL"),
            postgresql_where=text("refund_transaction_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    child_id: int = Field(foreign_key="children.id")
    day: date
    article_id: int = Field(foreign_key="meal_articles.id")
    price_cents: int = cents_field()
    status: str = text_field(16, default="ACTIVE")
    reserved_by: int = Field(foreign_key="users.id")
    created_at: datetime = utc_field()
    cancelled_at: datetime | None = utc_field(nullable=True, default=None)
    debit_transaction_id: int | None = Field(default=None, foreign_key="ledger_transactions.id")
    refund_transaction_id: int | None = Field(default=None, foreign_key="ledger_transactions.id")


class ChildAllergen(SQLModel, table=True):
    """Declared allergens of a child (special-category data: parents and staff only)."""

    __tablename__ = "child_allergens"
    __table_args__ = (UniqueConstraint("child_id", "allergen"),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="children.id", index=True)
    allergen: str = text_field(20)
