"""Photo orders: campaigns (what the photographer sells, until when, to whom), each child's
proof pictures, and the orders parents place."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field


class PhotoOrderStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


class PhotoCampaign(SQLModel, table=True):
    """Open for ordering until `order_until` (inclusive, school time zone). `class_names`
    empty: the whole school."""

    __tablename__ = "photo_campaigns"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    title: str = text_field(200)
    order_until: date
    class_names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    created_at: datetime = utc_field()


class PhotoArticle(SQLModel, table=True):
    __tablename__ = "photo_articles"
    __table_args__ = (
        CheckConstraint("price_cents > 0", name="price_positive"),
        UniqueConstraint("campaign_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    campaign_id: int = Field(foreign_key="photo_campaigns.id", index=True)
    position: int
    name: str = text_field(120)
    price_cents: int = cents_field()


class PhotoProof(SQLModel, table=True):
    """A proof picture of one child in one campaign: a document of kind `photo_proof`
    published to that child alone."""

    __tablename__ = "photo_proofs"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    campaign_id: int = Field(foreign_key="photo_campaigns.id", index=True)
    child_id: int = Field(foreign_key="children.id", index=True)
    document_id: int = Field(foreign_key="documents.id", unique=True)


class PhotoOrder(SQLModel, table=True):
    """What a parent ordered for a child. Several per child and campaign are allowed; each
    one is claimed by its idempotency key. `total_cents` is the sum of its lines."""

    __tablename__ = "photo_orders"
    __table_args__ = (CheckConstraint("total_cents > 0", name="total_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    campaign_id: int = Field(foreign_key="photo_campaigns.id", index=True)
    child_id: int = Field(foreign_key="children.id", index=True)
    ordered_by: int = Field(foreign_key="users.id")
    status: str = text_field(16, default=PhotoOrderStatus.ACTIVE)
    total_cents: int = cents_field()
    created_at: datetime = utc_field()
    cancelled_at: datetime | None = utc_field(nullable=True, default=None)
    # How it is paid: its invoice (billing), issued with the order.
    invoice_id: int | None = Field(default=None, foreign_key="invoices.id")
    # Its summary (a `photo_order` document), rendered after the ordering transaction; set once.
    summary_document_id: int | None = Field(default=None, foreign_key="documents.id")


class PhotoOrderLine(SQLModel, table=True):
    """An article ordered, at the price it had then."""

    __tablename__ = "photo_order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("order_id", "article_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="photo_orders.id", index=True)
    article_id: int = Field(foreign_key="photo_articles.id")
    label: str = text_field(120)
    quantity: int
    unit_price_cents: int = cents_field()
