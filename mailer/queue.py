"""The outbox table as a work queue. Every state change is one conditional UPDATE, so any
number of workers in any number of processes can share it without sending a mail twice."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlmodel import col

from models.db import Database
from models.mail import OutboxMail

LAST_ERROR_LENGTH = 500


@dataclass(frozen=True)
class ClaimedMail:
    id: int
    message_id: str
    raw: bytes
    attempts: int  # including the one about to be made
    lease_until: datetime


def _pending() -> ColumnElement[bool]:
    return and_(col(OutboxMail.sent_at).is_(None), col(OutboxMail.failed_at).is_(None))


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        _pending(),
        col(OutboxMail.next_attempt_at) <= now,
        or_(col(OutboxMail.claimed_until).is_(None), col(OutboxMail.claimed_until) <= now),
    )


async def due_ids(database: Database, now: datetime, limit: int) -> list[int]:
    query = (
        select(col(OutboxMail.id))
        .where(_claimable(now))
        .order_by(col(OutboxMail.next_attempt_at), col(OutboxMail.id))
        .limit(limit)
    )
    async with database.read() as session:
        return [mail_id for mail_id in (await session.execute(query)).scalars() if mail_id]


async def claim(
    database: Database, mail_id: int, *, now: datetime, lease_until: datetime
) -> ClaimedMail | None:
    """Take the row for this worker until `lease_until`; None when another worker has it."""
    statement = (
        update(OutboxMail)
        .where(col(OutboxMail.id) == mail_id, _claimable(now))
        .values(claimed_until=lease_until, attempts=col(OutboxMail.attempts) + 1)
        .returning(col(OutboxMail.message_id), col(OutboxMail.raw), col(OutboxMail.attempts))
        .execution_options(synchronize_session=False)
    )
    async with database.write() as session:
        row = (await session.execute(statement)).one_or_none()
        await session.commit()
    if row is None:
        return None
    return ClaimedMail(mail_id, row.message_id, bytes(row.raw), int(row.attempts), lease_until)


async def mark_sent(database: Database, mail: ClaimedMail, *, now: datetime) -> None:
    statement = (
        update(OutboxMail)
        .where(col(OutboxMail.id) == mail.id, col(OutboxMail.sent_at).is_(None))
        .values(sent_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    async with database.write() as session:
        await session.execute(statement)
        await session.commit()


async def mark_unsent(
    database: Database, mail: ClaimedMail, *, error: str, retry_at: datetime | None, now: datetime
) -> None:
    """Release the claim: retry at `retry_at`, or give up for good when it is None."""
    values: dict[str, object] = {"claimed_until": None, "last_error": error[:LAST_ERROR_LENGTH]}
    if retry_at is None:
        values["failed_at"] = now
    else:
        values["next_attempt_at"] = retry_at
    statement = (
        update(OutboxMail)
        # Only while the claim is still ours: after an expired lease another worker owns it.
        .where(
            col(OutboxMail.id) == mail.id,
            col(OutboxMail.claimed_until) == mail.lease_until,
            _pending(),
        )
        .values(values)
        .execution_options(synchronize_session=False)
    )
    async with database.write() as session:
        await session.execute(statement)
        await session.commit()


async def next_due(database: Database) -> datetime | None:
    """When the earliest pending mail may next be tried (its retry time or lease end)."""
    ready_at = case(
        (
            and_(
                col(OutboxMail.claimed_until).is_not(None),
                col(OutboxMail.claimed_until) > col(OutboxMail.next_attempt_at),
            ),
            col(OutboxMail.claimed_until),
        ),
        else_=col(OutboxMail.next_attempt_at),
    )
    async with database.read() as session:
        moment = (await session.execute(select(func.min(ready_at)).where(_pending()))).scalar()
    return moment if isinstance(moment, datetime) else None
