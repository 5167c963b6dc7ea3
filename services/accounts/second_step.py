"""The second step of signing in: a ticket the password earned, redeemed with a code (or, when
the school requires two-factor sign-in and the account has none yet, with an enrolment).

A wrong code is a failed sign-in for the throttle, like a wrong password; the password alone
never counts as a success there, so it cannot reset the account's count between guesses.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.totp import LoginTicket
from services.accounts import sessions, throttle, totp
from services.accounts.actor import Actor
from services.accounts.tokens import digest, new_token
from services.common.errors import DomainError, ErrorCode
from services.sql.audit import AuditContext
from services.sql.uow import Transactions, UnitOfWork

T = TypeVar("T")
TICKET_VALID = timedelta(minutes=10)
CODE = "totp"  # a code completes the sign-in
ENROL = "enrol"  # the school requires two-factor sign-in: enrol, then signed in


@dataclass(frozen=True)
class Ticketed:
    user: User
    ticket: str
    purpose: str


@dataclass(frozen=True)
class Completed:
    user: User
    token: str


async def issue(
    uow: UnitOfWork, user: User, purpose: str, address: str, user_agent: str | None
) -> Ticketed:
    raw, ticket_hash = new_token()
    assert user.id is not None
    uow.session.add(
        LoginTicket(
            user_id=user.id,
            ticket_hash=ticket_hash,
            purpose=purpose,
            address=address,
            user_agent=(user_agent or None) and user_agent[:255],
            created_at=uow.now,
            expires_at=uow.now + TICKET_VALID,
        )
    )
    await uow.session.flush()
    return Ticketed(user, raw, purpose)


async def _valid(
    session: AsyncSession, ticket: str, purpose: str, now: datetime
) -> tuple[LoginTicket, User]:
    row = await session.scalar(
        select(LoginTicket).where(col(LoginTicket.ticket_hash) == digest(ticket))
    )
    if row is None or row.purpose != purpose or row.used_at is not None:
        raise DomainError(ErrorCode.INVALID_TOKEN, "ticket")
    if now >= row.expires_at:
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "ticket")
    user = await session.get(User, row.user_id)
    assert user is not None
    return row, user


async def _claim(uow: UnitOfWork, row: LoginTicket) -> None:
    """Single use, even when two requests race with the same ticket."""
    claimed = await uow.session.execute(
        update(LoginTicket)
        .where(col(LoginTicket.id) == row.id, col(LoginTicket.used_at).is_(None))
        .values(used_at=uow.now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.INVALID_TOKEN, "ticket")


@dataclass(frozen=True)
class CompleteOutcome:
    """Failures are committed (they feed the throttle), so they are returned, not raised."""

    completed: Completed | None = None
    error: DomainError | None = None


async def complete_login(
    tx: Transactions, *, ticket: str, code: str, address: str
) -> CompleteOutcome:
    """A TOTP code or a recovery code finishes the sign-in the password started."""
    try:
        _, user = await tx.read(lambda s: _valid(s, ticket, CODE, tx.now()))
        await tx.read(
            lambda s: throttle.check_allowed(s, tx.settings, user.username, address, tx.now())
        )
    except DomainError as error:
        return CompleteOutcome(error=error)

    async def work(uow: UnitOfWork) -> CompleteOutcome:
        row, user = await _valid(uow.session, ticket, CODE, uow.now)
        assert user.id is not None
        used = await totp.spend_code(uow, user.id, code)
        if used is None:
            throttle.record(uow.session, user.username, address, False, uow.now)
            return CompleteOutcome(error=DomainError(ErrorCode.INVALID_CREDENTIALS, "code"))
        await _claim(uow, row)
        throttle.record(uow.session, user.username, address, True, uow.now)
        if used == "recovery":
            uow.record("signedInWithRecoveryCode", {"user": user.id}, school_id=user.school_id)
        token = await sessions.open_session(
            uow, user, address=row.address, user_agent=row.user_agent
        )
        return CompleteOutcome(completed=Completed(user, token))

    who = AuditContext(
        "completeLogin",
        str(user.role),
        user_id=user.id,
        school_id=user.school_id,
        address=address,
    )
    try:
        return await tx.run(work, who)
    except DomainError as error:
        # The stored secret cannot be read (services/accounts/totp_secrets.py).
        return CompleteOutcome(error=error)


def _who(user: User, action: str) -> AuditContext:
    return AuditContext(action, str(user.role), user_id=user.id, school_id=user.school_id)


async def user_of_enrolment_ticket(tx: Transactions, ticket: str) -> User:
    _, user = await tx.read(lambda s: _valid(s, ticket, ENROL, tx.now()))
    return user


async def with_enrolment_ticket(
    tx: Transactions, ticket: str, action: str, work: Callable[[UnitOfWork, User], Awaitable[T]]
) -> T:
    """Run an enrolment step for the account a required-enrolment ticket names."""
    user = await user_of_enrolment_ticket(tx, ticket)

    async def step(uow: UnitOfWork) -> T:
        _, fresh = await _valid(uow.session, ticket, ENROL, uow.now)
        return await work(uow, fresh)

    return await tx.run(step, _who(user, action))


async def confirm_with_ticket(tx: Transactions, ticket: str, code: str) -> tuple[list[str], str]:
    """Enrolment finished from a sign-in: the recovery codes and the new session's token."""

    async def work(uow: UnitOfWork, user: User) -> tuple[list[str], str]:
        assert user.id is not None
        codes = await totp.confirm_enrolment(uow, user.id, code)
        row, _ = await _valid(uow.session, ticket, ENROL, uow.now)
        await _claim(uow, row)
        throttle.record(uow.session, user.username, row.address, True, uow.now)
        token = await sessions.open_session(
            uow, user, address=row.address, user_agent=row.user_agent
        )
        return codes, token

    return await with_enrolment_ticket(tx, ticket, "confirmTotpEnrolment", work)


async def disable_totp(
    tx: Transactions, actor: Actor, code: str, address: str, who: AuditContext | None
) -> None:
    """Turning it off from a session: wrong codes are throttled like sign-ins, so a stolen
    session cannot try every code."""
    user = await tx.read(lambda s: s.get(User, actor.user_id))
    assert user is not None
    await tx.read(
        lambda s: throttle.check_allowed(s, tx.settings, user.username, address, tx.now())
    )
    try:
        await tx.run(lambda uow: totp.disable(uow, actor.user_id, code), who)
    except DomainError as error:
        if error.code == ErrorCode.INVALID_CREDENTIALS:

            async def failed(uow: UnitOfWork) -> None:
                throttle.record(uow.session, user.username, address, False, uow.now)

            await tx.run(failed)
        raise
