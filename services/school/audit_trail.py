"""Reading the audit trail (staff only): by child, by user, by period, latest first."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.audit import AuditEntry
from services.accounts.actor import Actor
from services.family.children import require_staff

MAX_PAGE = 200


@dataclass(frozen=True)
class AuditEntryView:
    id: int
    at: datetime
    action: str
    role: str
    user_id: int | None
    device_id: int | None
    address: str | None
    child_id: int | None
    details: dict[str, Any]


async def audit_entries(
    session: AsyncSession,
    actor: Actor,
    *,
    child_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    first: int = 50,
    before_id: int | None = None,
) -> list[AuditEntryView]:
    """The school's entries, latest first; `before_id` continues after a page's last entry."""
    require_staff(actor)
    query = select(AuditEntry).where(col(AuditEntry.school_id) == actor.school_id)
    if child_id is not None:
        query = query.where(col(AuditEntry.child_id) == child_id)
    if user_id is not None:
        query = query.where(col(AuditEntry.user_id) == user_id)
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    if until is not None:
        query = query.where(col(AuditEntry.at) < until)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    rows = await session.scalars(
        query.order_by(col(AuditEntry.id).desc()).limit(max(1, min(first, MAX_PAGE)))
    )
    return [
        AuditEntryView(
            id=row.id,
            at=row.at,
            action=row.action,
            role=row.role,
            user_id=row.user_id,
            device_id=row.device_id,
            address=row.address,
            child_id=row.child_id,
            details=row.details,
        )
        for row in rows
        if row.id is not None
    ]
