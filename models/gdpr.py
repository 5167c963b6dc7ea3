"""A large data export, built in the background and fetched once through a mailed link."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class ExportStatus(StrEnum):
    PENDING = "pending"  # asked for, not built yet
    BUILDING = "building"  # claimed by a worker (claimed_at says when)
    READY = "ready"  # the file exists, the link is mailed
    GONE = "gone"  # downloaded or expired: the file is deleted
    FAILED = "failed"  # could not be built in DATA_EXPORT_MAX_ATTEMPTS: the parent was told


class DataExport(SQLModel, table=True):
    __tablename__ = "data_exports"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    status: str = text_field(16, default=ExportStatus.PENDING, index=True)
    requested_at: datetime = utc_field()
    claimed_at: datetime | None = utc_field(nullable=True, default=None)
    # Builds begun (each claim counts, so a builder that died counts too); after a failed one
    # the row waits PENDING until retry_at.
    attempts: int = 0
    retry_at: datetime | None = utc_field(nullable=True, default=None)
    # Where the JSON lies (the exports' own storage, not the documents'), while READY.
    storage_key: str | None = text_field(64, nullable=True, default=None)
    expires_at: datetime | None = utc_field(nullable=True, default=None)
    # When it ended: downloaded, expired, or given up (FAILED).
    gone_at: datetime | None = utc_field(nullable=True, default=None)
