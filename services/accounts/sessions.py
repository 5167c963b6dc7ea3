"""Sessions: opaque bearer tokens with idle and absolute expiry, revocable."""

import functools
import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import col

from models.accounts import Role, Session, User
from models.db import Database
from models.family import School
from services.accounts.actor import Actor
from services.accounts.credentials import bearer_token
from services.accounts.tokens import digest, new_token
from services.family.views import SCHOOL_COLUMNS, USER_COLUMNS, SchoolView, UserView
from services.sql.column_reads import column_rows
from services.sql.uow import SharedRead, UnitOfWork
from settings import Settings

log = logging.getLogger(__name__)

# Refresh last_seen_at at most this often, so authenticating is not a write on every request.
TOUCH_EVERY = timedelta(minutes=1)


# Every revocation, whoever's: each process listens to it once for all its sockets. Revocations
# are rare, and their watchers need no sequence number (a lost one is caught by the sockets'
# expiry re-checks), so they skip the per-channel sequence row that would serialise them.
SESSIONS_CHANNEL = "sessions"
# Session ids per statement when re-checking many sockets at once.
DEADLINES_BATCH = 500


async def open_session(
    uow: UnitOfWork, user: User, *, address: str | None = None, user_agent: str | None = None
) -> str:
    raw, token_hash = new_token()
    assert user.id is not None
    uow.session.add(
        Session(
            user_id=user.id,
            token_hash=token_hash,
            created_at=uow.now,
            last_seen_at=uow.now,
            expires_at=uow.now + timedelta(days=uow.settings.session_absolute_days),
            address=address,
            user_agent=(user_agent or None) and user_agent[:255],
        )
    )
    await uow.session.flush()
    return raw


def is_alive(row: Session, settings: Settings, now: datetime) -> bool:
    return _alive(row.last_seen_at, row.revoked_at, row.expires_at, settings, now)


def _alive(
    last_seen_at: datetime,
    revoked_at: datetime | None,
    expires_at: datetime,
    settings: Settings,
    now: datetime,
) -> bool:
    return revoked_at is None and now < expires_at and now < _idle_limit(last_seen_at, settings)


def _idle_limit(last_seen_at: datetime, settings: Settings) -> datetime:
    return last_seen_at + timedelta(minutes=settings.session_idle_minutes)


class SignedIn(NamedTuple):
    """The actor behind a token, with the user and school every viewer query shows."""

    actor: Actor
    user: UserView
    school: SchoolView


async def authenticate(
    database: Database,
    settings: Settings,
    raw_token: str,
) -> Actor | None:
    """The actor behind a bearer token, or None when it is unknown, revoked or expired."""
    now = settings.clock()
    # Every socket and device check runs this: one Core statement, no ORM session or objects.
    async with database.engine.connect() as connection:
        found = await connection.execute(_session_query(), {"token_hash": digest(raw_token)})
        row = found.first()
    if row is None:
        return None
    session_id, last_seen_at, revoked_at, expires_at, user_id, school_id, role, locale = row
    if not await _still_alive(
        database, settings, now, session_id, last_seen_at, revoked_at, expires_at
    ):
        return None
    return Actor(user_id, school_id, Role(role), locale, session_id, settings.clock)


async def authenticate_header(
    database: Database, settings: Settings, authorization: str | None
) -> Actor | None:
    """The actor behind an `Authorization: Bearer <token>` header (the plain HTTP routes')."""
    token = bearer_token(authorization)
    return None if token is None else await authenticate(database, settings, token)


async def sign_in_request(
    database: Database, settings: Settings, raw_token: str, reading: SharedRead
) -> SignedIn | None:
    """authenticate, in the request's shared read session (its query reads with it next: one
    connection checkout for both), reading the user and their school in the same statement
    (the viewer's query shows them: no second statement)."""
    now = settings.clock()
    async with reading.lend() as session:
        rows = await column_rows(session, _signed_in_query(), {"token_hash": digest(raw_token)})
    if not rows:
        return None
    row: tuple[Any, ...] = tuple(rows[0])
    session_id, last_seen_at, revoked_at, expires_at = row[:4]
    if not await _still_alive(
        database, settings, now, session_id, last_seen_at, revoked_at, expires_at
    ):
        return None
    split = 4 + len(USER_COLUMNS)
    user, school = UserView._make(row[4:split]), SchoolView._make(row[split:])
    actor = Actor(user.id, user.school_id, Role(user.role), user.locale, session_id, settings.clock)
    return SignedIn(actor, user, school)


async def _still_alive(
    database: Database,
    settings: Settings,
    now: datetime,
    session_id: int,
    last_seen_at: datetime,
    revoked_at: datetime | None,
    expires_at: datetime,
) -> bool:
    if not _alive(last_seen_at, revoked_at, expires_at, settings, now):
        return False
    if now - last_seen_at >= TOUCH_EVERY:
        await _touch(database, session_id, now)
    return True


@functools.cache
def _session_query() -> Select[*tuple[Any, ...]]:
    """authenticate's statement, built once."""
    return (
        select(
            *_SESSION_COLUMNS,
            col(User.id),
            col(User.school_id),
            col(User.role),
            col(User.locale),
        )
        .join(User, col(User.id) == col(Session.user_id))
        .where(col(Session.token_hash) == bindparam("token_hash"))
    )


@functools.cache
def _signed_in_query() -> Select[*tuple[Any, ...]]:
    """sign_in_request's statement, built once."""
    return (
        select(*_SESSION_COLUMNS, *USER_COLUMNS, *SCHOOL_COLUMNS)
        .join(User, col(User.id) == col(Session.user_id))
        .join(School, col(School.id) == col(User.school_id))
        .where(col(Session.token_hash) == bindparam("token_hash"))
    )


_SESSION_COLUMNS = (
    col(Session.id),
    col(Session.last_seen_at),
    col(Session.revoked_at),
    col(Session.expires_at),
)


async def _touch(database: Database, session_id: int | None, now: datetime) -> None:
    try:
        async with database.write() as session:
            await session.execute(
                update(Session).where(col(Session.id) == session_id).values(last_seen_at=now)
            )
            await session.commit()
    except DBAPIError:
        # Only the idle clock is late: never fail a request for it.
        log.warning("could not refresh session %s", session_id, exc_info=True)


def deadline_of(row: Session, settings: Settings) -> datetime:
    """When the session ends unless it is used meanwhile."""
    return min(row.expires_at, _idle_limit(row.last_seen_at, settings))


async def session_deadlines(
    database: Database, settings: Settings, session_ids: Collection[int]
) -> dict[int, datetime]:
    """When each session ends unless it is used meanwhile (`deadline_of`), in few statements;
    sessions that already ended are left out."""
    ids = sorted(set(session_ids))
    now = settings.clock()
    found: dict[int, datetime] = {}
    async with database.read() as session:
        for start in range(0, len(ids), DEADLINES_BATCH):
            chunk = ids[start : start + DEADLINES_BATCH]
            rows = await session.scalars(select(Session).where(col(Session.id).in_(chunk)))
            for row in rows:
                if row.id is not None and is_alive(row, settings, now):
                    found[row.id] = deadline_of(row, settings)
    return found


async def revoke(
    uow: UnitOfWork, user_id: int, *, only: int | None = None, keep: int | None = None
) -> list[int]:
    """Revoke one session (`only`) or every session of a user but `keep`; open sockets are told."""
    query = select(col(Session.id)).where(
        col(Session.user_id) == user_id, col(Session.revoked_at).is_(None)
    )
    if only is not None:
        query = query.where(col(Session.id) == only)
    if keep is not None:
        query = query.where(col(Session.id) != keep)
    ids = [int(i) for i in (await uow.session.scalars(query)).all() if i is not None]
    if ids:
        await uow.session.execute(
            update(Session).where(col(Session.id).in_(ids)).values(revoked_at=uow.now)
        )
        uow.notify(SESSIONS_CHANNEL, {"user": user_id, "revoked": ids})
    return ids
