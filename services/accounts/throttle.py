"""Login throttling: repeated failures per account or per client address wait longer and longer."""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import LoginAttempt
from services.common.errors import DomainError, ErrorCode
from settings import Settings


def _delay(failures: int, free: int, cap: int) -> timedelta:
    """No delay for the first `free` failures, then 1 s, 2 s, 4 s ... up to `cap`."""
    if failures < free:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (failures - free), cap))


async def _failures(
    session: AsyncSession, column: str, value: str, since: datetime
) -> tuple[int, datetime | None]:
    key = getattr(LoginAttempt, column)
    count, last = (
        await session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                key == value,
                col(LoginAttempt.succeeded).is_(False),
                col(LoginAttempt.at) > since,
            )
        )
    ).one()
    return int(count), last


async def check_allowed(
    session: AsyncSession, settings: Settings, username: str, address: str, now: datetime
) -> None:
    """Raise RATE_LIMITED (with retry_after seconds) while a delay is running."""
    window_start = now - timedelta(minutes=settings.login_failure_window_minutes)
    # For an account, only failures since its last success count.
    last_success = await session.scalar(
        select(func.max(LoginAttempt.at)).where(
            col(LoginAttempt.username) == username, col(LoginAttempt.succeeded).is_(True)
        )
    )
    since = max(window_start, last_success) if last_success else window_start
    cap = settings.login_max_delay_seconds
    checks = [
        (
            await _failures(session, "username", username, since),
            settings.login_free_failures_account,
        ),
        (
            await _failures(session, "address", address, window_start),
            settings.login_free_failures_address,
        ),
    ]
    wait = timedelta(0)
    for (count, last), free in checks:
        if last is not None:
            wait = max(wait, last + _delay(count, free, cap) - now)
    if wait > timedelta(0):
        raise DomainError(ErrorCode.RATE_LIMITED, retry_after=int(wait.total_seconds()) + 1)


def record(
    session: AsyncSession, username: str, address: str, succeeded: bool, now: datetime
) -> None:
    session.add(LoginAttempt(username=username, address=address, succeeded=succeeded, at=now))
