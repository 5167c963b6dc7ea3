"""The audit trail: an append-only record of staff actions and of money moved by anyone but
the family itself. Written in the transaction of the action; never updated nor deleted (the
database refuses both, see APPEND_ONLY)."""

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, Column, Index, event
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_school_at", "school_id", "at"),
        Index("ix_audit_entries_child", "child_id"),
        Index("ix_audit_entries_user", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id")
    at: datetime = utc_field()
    # Who: a user (staff, teacher, parent), a device, or nobody (the payment provider, a job).
    user_id: int | None = Field(default=None)
    role: str = text_field(16)
    device_id: int | None = Field(default=None)
    address: str | None = text_field(64, nullable=True, default=None)
    action: str = text_field(100)
    child_id: int | None = Field(default=None)
    # What: the arguments given, and the rows as they were before and after.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# The same statements run in the migration; tests build tables from the metadata.
APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'audit entries are append-only'; END $$",
        "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
        "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
    ),
}

for _dialect, _statements in APPEND_ONLY.items():
    for _statement in _statements:
        event.listen(
            AuditEntry.__table__,  # type: ignore[attr-defined]
            "after_create",
            DDL(_statement).execute_if(dialect=_dialect),
        )
