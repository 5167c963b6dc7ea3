"""What a user sees of their own account's use: open sessions, recent sign-ins, and ending a
session they do not recognise (its live sockets close at once, as on logout)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.accounts import LoginAttempt, Session, User
from services.accounts import sessions
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.sql.uow import UnitOfWork
from settings import Settings

RECENT_SIGN_INS = 20


@dataclass(frozen=True)
class SessionView:
    id: int
    created_at: datetime
    last_seen_at: datetime
    address: str | None
    user_agent: str | None
    current: bool


@dataclass(frozen=True)
class SignInView:
    at: datetime
    address: str
    succeeded: bool


async def open_sessions(
    session: AsyncSession, actor: Actor, settings: Settings, now: datetime
) -> list[SessionView]:
    """The user's sessions still alive, most recently used first."""
    rows = await session.scalars(
        select(Session)
        .where(col(Session.user_id) == actor.user_id, col(Session.revoked_at).is_(None))
        .order_by(col(Session.last_seen_at).desc(), col(Session.id).desc())
    )
    return [
        SessionView(
            id=row.id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            address=row.address,
            user_agent=row.user_agent,
            current=row.id == actor.session_id,
        )
        for row in rows
        if row.id is not None and sessions.is_alive(row, settings, now)
    ]


async def recent_sign_ins(
    session: AsyncSession, actor: Actor, limit: int = RECENT_SIGN_INS
) -> list[SignInView]:
    """Sign-ins and failed attempts on the user's name, latest first (activation links too)."""
    username = await session.scalar(select(col(User.username)).where(col(User.id) == actor.user_id))
    rows = await session.scalars(
        select(LoginAttempt)
        .where(col(LoginAttempt.username) == username)
        .order_by(col(LoginAttempt.at).desc(), col(LoginAttempt.id).desc())
        .limit(max(1, min(limit, 100)))
    )
    return [SignInView(row.at, row.address, row.succeeded) for row in rows]


async def end_session(uow: UnitOfWork, actor: Actor, session_id: int) -> None:
    """Only the user's own live session; anyone else's is NOT_FOUND like a missing one."""
    row = await uow.session.get(Session, session_id)
    if (
        row is None
        or row.user_id != actor.user_id
        or not sessions.is_alive(row, uow.settings, uow.now)
    ):
        raise NotFound("sessionId")
    await sessions.revoke(uow, actor.user_id, only=session_id)
