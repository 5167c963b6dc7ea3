"""Large data exports: asked for in the request, built in the background, mailed as a link.

The request only records a PENDING row (one per user at a time: asking again while one is on
its way answers the same). A worker claims it with a conditional UPDATE (so two processes never
build one export twice; a claim older than CLAIM_TIMEOUT is taken over, the builder having
died), writes the JSON to the exports' storage, then marks it READY and queues the mail in one
transaction. Each claim counts an attempt; a failed build waits longer each time and the last
allowed one gives up with a mail to the parent (services/gdpr/attempts.py). The link works
once: the download marks it GONE before the file is served and deleted; past its expiry the
sweep deletes it. Nothing of it is kept afterwards.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.family import School
from models.gdpr import DataExport, ExportStatus
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.common.notify import send_mail
from services.gdpr.attempts import build_failed, give_up
from services.gdpr.export import export_bytes, export_family, family_row_count
from services.gdpr.links import ExportClaim, download_path, link_params
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage, StoredFileMissing

log = logging.getLogger(__name__)
CLAIM_TIMEOUT = timedelta(minutes=15)
OPEN = (ExportStatus.PENDING, ExportStatus.BUILDING, ExportStatus.READY)


async def is_large(session: AsyncSession, actor: Actor, limit: int) -> bool:
    """Whether the user's export has more rows than `limit` (then built in the background)."""
    user = await session.get(User, actor.user_id)
    if user is None:
        raise NotFound("user")
    return await family_row_count(session, user) > limit


async def request_export(uow: UnitOfWork, actor: Actor) -> int:
    """The id of the user's export on its way (a new one unless one already is)."""
    existing = await uow.session.scalar(
        select(col(DataExport.id)).where(
            col(DataExport.user_id) == actor.user_id, col(DataExport.status).in_(OPEN)
        )
    )
    if existing is not None:
        return int(existing)
    row = DataExport(user_id=actor.user_id, status=ExportStatus.PENDING, requested_at=uow.now)
    uow.session.add(row)
    await uow.session.flush()
    assert row.id is not None
    return row.id


def _claimable(uow: UnitOfWork) -> ColumnElement[bool]:
    """Waiting (and its retry time come), or claimed by a builder that died."""
    return or_(
        (col(DataExport.status) == ExportStatus.PENDING)
        & (col(DataExport.retry_at).is_(None) | (col(DataExport.retry_at) <= uow.now)),
        (col(DataExport.status) == ExportStatus.BUILDING)
        & (col(DataExport.claimed_at) < uow.now - CLAIM_TIMEOUT),
    )


@dataclass(frozen=True)
class Claim:
    export_id: int
    user_id: int
    attempt: int  # this build's number, from 1


SKIP = Claim(-1, -1, 0)  # another worker took it, or it was given up: look for the next


async def _claim_next(uow: UnitOfWork) -> Claim | None:
    candidate = await uow.session.execute(
        select(
            col(DataExport.id),
            col(DataExport.user_id),
            col(DataExport.status),
            col(DataExport.attempts),
        )
        .where(_claimable(uow))
        .order_by(col(DataExport.id))
        .limit(1)
    )
    found = candidate.first()
    if found is None:
        return None
    export_id, user_id, status, attempts = int(found[0] or 0), int(found[1]), found[2], found[3]
    if attempts >= uow.settings.data_export_max_attempts:
        # Its last builder died (every claim counts): no more tries.
        await give_up(uow, export_id, user_id, ExportStatus(status), attempts)
        return SKIP
    claimed = await uow.session.execute(
        update(DataExport)
        .where(
            col(DataExport.id) == export_id,
            col(DataExport.attempts) == attempts,
            _claimable(uow),
        )
        .values(
            status=ExportStatus.BUILDING,
            claimed_at=uow.now,
            retry_at=None,
            attempts=col(DataExport.attempts) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return SKIP
    return Claim(export_id, user_id, attempts + 1)


async def _publish(uow: UnitOfWork, export_id: int, user_id: int, key: str, attempt: int) -> bool:
    """READY with its link mailed, in one transaction; False if the row changed meanwhile
    (another worker took it over)."""
    expires_at = uow.now + timedelta(hours=uow.settings.data_export_link_hours)
    done = await uow.session.execute(
        update(DataExport)
        .where(
            col(DataExport.id) == export_id,
            col(DataExport.status) == ExportStatus.BUILDING,
            col(DataExport.attempts) == attempt,
        )
        .values(status=ExportStatus.READY, storage_key=key, expires_at=expires_at)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    user = await uow.session.get(User, user_id)
    assert user is not None
    school = await uow.session.get(School, user.school_id)
    claim = ExportClaim(export_id, user_id, int(expires_at.timestamp()))
    await send_mail(
        uow,
        to=user.email,
        template="data_export",
        locale=user.locale,
        school_id=user.school_id,
        context={
            "display_name": user.display_name,
            "school_name": school.name if school else "",
            "path": download_path(export_id),
            "params": link_params(uow.settings, claim),
            "expires_at": expires_at,
        },
    )
    return True


async def _build(tx: Transactions, storage: DocumentStorage, claim: Claim) -> bool:
    """Build, store and publish one export; True when its link was mailed."""
    user = await tx.read(lambda s: s.get(User, claim.user_id))
    assert user is not None
    data = await tx.read(lambda s: export_family(s, user))
    key = await storage.save(export_bytes(data))
    try:
        published = await tx.run(
            lambda uow: _publish(uow, claim.export_id, claim.user_id, key, claim.attempt)
        )
    except BaseException:
        await storage.delete(key)  # nobody will ever have the link to it
        raise
    if not published:
        await storage.delete(key)
    return published


async def build_pending(tx: Transactions, storage: DocumentStorage) -> int:
    """Build and mail every export waiting; how many were mailed. A build that fails is
    recorded (retried later, or given up) and the others go on."""
    mailed = 0
    while True:
        claim = await tx.run(_claim_next)
        if claim is None:
            return mailed
        if claim == SKIP:
            continue
        try:
            mailed += await _build(tx, storage, claim)
        except Exception:
            log.warning(
                "data export %s: build %s failed", claim.export_id, claim.attempt, exc_info=True
            )
            await tx.run(
                lambda uow, c=claim: build_failed(uow, c.export_id, c.user_id, c.attempt)  # type: ignore[misc]
            )


async def _take(uow: UnitOfWork, claim: ExportClaim, actor: Actor) -> str:
    row = await uow.session.get(DataExport, claim.export_id)
    if (
        row is None
        or row.user_id != claim.user_id
        or row.user_id != actor.user_id
        or row.status != ExportStatus.READY
        or row.storage_key is None
        or row.expires_at is None
        or uow.now >= row.expires_at
    ):
        raise NotFound("export")
    taken = await uow.session.execute(
        update(DataExport)
        .where(col(DataExport.id) == row.id, col(DataExport.status) == ExportStatus.READY)
        .values(status=ExportStatus.GONE, gone_at=uow.now, storage_key=None)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("export")
    return row.storage_key


@dataclass(frozen=True)
class Download:
    data: bytes


async def download_once(
    tx: Transactions, storage: DocumentStorage, claim: ExportClaim, actor: Actor
) -> Download:
    """The export's bytes, once: the row is GONE and the file deleted when this returns.
    NotFound for another user's export, a spent or expired one."""
    key = await tx.run(lambda uow: _take(uow, claim, actor))
    try:
        chunks = [chunk async for chunk in storage.stream(key)]
    except StoredFileMissing:
        raise NotFound("export") from None
    await storage.delete(key)
    return Download(b"".join(chunks))


async def _expired(uow: UnitOfWork) -> list[str]:
    rows = (
        await uow.session.execute(
            select(col(DataExport.id), col(DataExport.storage_key)).where(
                col(DataExport.status) == ExportStatus.READY,
                col(DataExport.expires_at) <= uow.now,
            )
        )
    ).all()
    for export_id, _ in rows:
        await uow.session.execute(
            update(DataExport)
            .where(col(DataExport.id) == export_id, col(DataExport.status) == ExportStatus.READY)
            .values(status=ExportStatus.GONE, gone_at=uow.now, storage_key=None)
            .execution_options(synchronize_session=False)
        )
    return [key for _, key in rows if key]


async def sweep_expired(tx: Transactions, storage: DocumentStorage) -> int:
    """Links past their expiry: the row GONE, the file deleted."""
    keys = await tx.run(_expired)
    for key in keys:
        await storage.delete(key)
    return len(keys)


async def files_of_user(session: AsyncSession, user_id: int) -> list[str]:
    """Export files still stored for this user (erasure deletes them)."""
    rows = await session.scalars(
        select(col(DataExport.storage_key)).where(
            col(DataExport.user_id) == user_id, col(DataExport.storage_key).is_not(None)
        )
    )
    return [key for key in rows.all() if key]
