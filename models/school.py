"""School events: activities, trips, meetings and holidays, for the whole school or a class."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class EventKind(StrEnum):
    ACTIVITY = "activity"
    TRIP = "trip"
    MEETING = "meeting"
    HOLIDAY = "holiday"


class SchoolEvent(SQLModel, table=True):
    """`class_name` null: the whole school. A class event reaches the children in that class
    when it is read (events are about the future, so today's class is the one that counts)."""

    __tablename__ = "school_events"
    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        Index("ix_school_events_school_starts", "school_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id")
    class_name: str | None = text_field(50, nullable=True, default=None)
    title: str = text_field(200)
    kind: str = text_field(16)
    starts_at: datetime = utc_field()
    ends_at: datetime | None = utc_field(nullable=True, default=None)
    created_by: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    created_at: datetime = utc_field()
