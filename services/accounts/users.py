"""Accounts: invitations, activation, sign-in and out, password changes and resets."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from i18n.locales import LOCALES
from models.accounts import OneTimeToken, Role, TokenPurpose, User
from models.family import School
from services.accounts import passwords, second_step, sessions, throttle, totp
from services.accounts.actor import Actor
from services.accounts.tokens import digest, new_token
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.notify import send_mail
from services.family.children import link_guardian, require_staff, school_children
from services.sql.audit import AuditContext
from services.sql.uow import Transactions, UnitOfWork

# A second reset mail within this delay is not sent (the answer stays the same).
RESET_MAIL_MIN_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def normalise_email(email: str, field: str = "email") -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.casefold()
    except EmailNotValidError as error:
        raise DomainError(ErrorCode.INVALID_INPUT, field) from error


async def _issue_token(uow: UnitOfWork, user: User, purpose: TokenPurpose) -> str:
    """A new one-time token; every older unused token of the user stops working."""
    await uow.session.execute(
        update(OneTimeToken)
        .where(
            col(OneTimeToken.user_id) == user.id,
            col(OneTimeToken.used_at).is_(None),
            col(OneTimeToken.revoked_at).is_(None),
        )
        .values(revoked_at=uow.now)
    )
    raw, token_hash = new_token()
    assert user.id is not None
    uow.session.add(
        OneTimeToken(
            user_id=user.id,
            token_hash=token_hash,
            purpose=purpose,
            created_at=uow.now,
            expires_at=uow.now + timedelta(days=uow.settings.token_valid_days),
        )
    )
    await uow.session.flush()
    return raw


async def _mail_token(uow: UnitOfWork, user: User, template: str, raw_token: str) -> None:
    school = await uow.session.get(School, user.school_id)
    assert school is not None
    await send_mail(
        uow,
        to=user.email,
        template=template,
        locale=user.locale,
        school_id=user.school_id,
        context={
            "school_name": school.name,
            "display_name": user.display_name,
            "username": user.username,
            "token": raw_token,
            "expires_at": uow.now + timedelta(days=uow.settings.token_valid_days),
            "time_zone": school.timezone,
        },
    )


async def invite_parent(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    email: str,
    display_name: str,
    child_ids: list[int],
    locale: str = "fr",
) -> User:
    """Staff create a parent account; the parent gets the username and an activation link."""
    require_staff(actor)
    username = normalise_username(username)
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise DomainError(ErrorCode.INVALID_INPUT, "username")
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise DomainError(ErrorCode.INVALID_INPUT, "displayName")
    if locale not in LOCALES:
        raise DomainError(ErrorCode.INVALID_INPUT, "locale")
    children = await school_children(uow.session, actor.school_id, child_ids)
    if len(children) != len(set(child_ids)):
        raise NotFound("childIds")
    taken = await uow.session.scalar(
        select(col(User.id)).where(
            col(User.school_id) == actor.school_id, col(User.username) == username
        )
    )
    if taken is not None:
        raise DomainError(ErrorCode.ALREADY_EXISTS, "username")
    user = User(
        school_id=actor.school_id,
        role=Role.PARENT,
        username=username,
        email=email,
        display_name=display_name,
        locale=locale,
        created_at=uow.now,
    )
    uow.session.add(user)
    await uow.session.flush()
    assert user.id is not None
    for child in children:
        assert child.id is not None
        await link_guardian(uow, actor.school_id, user.id, child.id)
    raw = await _issue_token(uow, user, TokenPurpose.ACTIVATION)
    await _mail_token(uow, user, "invitation", raw)
    return user


async def _redeemable(
    session: AsyncSession, token: str, now: datetime
) -> tuple[OneTimeToken, User]:
    row = await session.scalar(
        select(OneTimeToken).where(col(OneTimeToken.token_hash) == digest(token))
    )
    if row is None or row.used_at is not None or row.revoked_at is not None:
        raise DomainError(ErrorCode.INVALID_TOKEN, "token")
    if now >= row.expires_at:
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "token")
    user = await session.get(User, row.user_id)
    assert user is not None and user.id is not None
    return row, user


async def activate_account(tx: Transactions, *, token: str, password: str) -> SignedIn:
    """Redeem a mailed token: set the password and sign in. Also ends every other session.

    The password is hashed between a read and a short write transaction: argon2's cost is
    never paid while holding the database's write lock.
    """
    _, user = await tx.read(lambda s: _redeemable(s, token, tx.now()))
    passwords.check_strength(password, username=user.username)
    password_hash = await passwords.hash_password(tx.settings, password)

    async def redeem(uow: UnitOfWork) -> SignedIn:
        row, user = await _redeemable(uow.session, token, uow.now)
        assert user.id is not None
        # Single use even when two requests race with the same token.
        claimed = await uow.session.execute(
            update(OneTimeToken)
            .where(col(OneTimeToken.id) == row.id, col(OneTimeToken.used_at).is_(None))
            .values(used_at=uow.now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise DomainError(ErrorCode.INVALID_TOKEN, "token")
        user.password_hash = password_hash
        uow.session.add(user)
        await sessions.revoke(uow, user.id)
        # A recovered account starts afresh: earlier failures no longer delay sign-in.
        throttle.record(uow.session, user.username, "token", True, uow.now)
        return SignedIn(user, await sessions.open_session(uow, user))

    return await tx.run(redeem)


@dataclass(frozen=True)
class LoginOutcome:
    """Failures are committed too (they feed throttling), so they are returned, not raised."""

    signed_in: SignedIn | None = None
    error: DomainError | None = None
    # The password was right; a second step is needed (a code, or enrolling first).
    ticketed: second_step.Ticketed | None = None


async def login(
    tx: Transactions,
    *,
    username: str,
    password: str,
    address: str,
    school: str | None = None,
    user_agent: str | None = None,
) -> LoginOutcome:
    """Check throttling and find the account (read), verify the password (no transaction open),
    then record the attempt and open the session (one short write)."""
    name = normalise_username(username)

    async def candidates(session: AsyncSession) -> list[User]:
        await throttle.check_allowed(session, tx.settings, name, address, tx.now())
        query = select(User).where(col(User.username) == name, col(User.disabled_at).is_(None))
        if school:
            query = query.join(School, col(School.id) == col(User.school_id)).where(
                col(School.slug) == school
            )
        return list((await session.scalars(query)).all())

    try:
        found = await tx.read(candidates)
    except DomainError as error:
        return LoginOutcome(error=error)
    # Usernames are unique per school; without a school, the password decides among them.
    matching = [
        user
        for user in found
        if await passwords.verify_password(tx.settings, user.password_hash, password)
    ]
    if not found:
        await passwords.verify_password(tx.settings, None, password)

    async def record(uow: UnitOfWork) -> LoginOutcome:
        if len(matching) != 1:
            throttle.record(uow.session, name, address, False, uow.now)
            return LoginOutcome(error=DomainError(ErrorCode.INVALID_CREDENTIALS))
        user = matching[0]
        assert user.id is not None
        # Not a success for the throttle yet: only the code's outcome counts.
        if await totp.is_enabled(uow.session, user.id):
            return LoginOutcome(
                ticketed=await second_step.issue(uow, user, second_step.CODE, address, user_agent)
            )
        if totp.staff_role(user.role) and await _totp_required(uow.session, user.school_id):
            return LoginOutcome(
                ticketed=await second_step.issue(uow, user, second_step.ENROL, address, user_agent)
            )
        throttle.record(uow.session, name, address, True, uow.now)
        return LoginOutcome(
            signed_in=SignedIn(
                matching[0],
                await sessions.open_session(
                    uow, matching[0], address=address, user_agent=user_agent
                ),
            )
        )

    return await tx.run(record)


async def _totp_required(session: AsyncSession, school_id: int) -> bool:
    school = await session.get(School, school_id)
    return school is not None and school.totp_required_for_staff


async def set_locale(uow: UnitOfWork, actor: Actor, locale: str) -> User:
    """The language of the user's mails, documents and messages from now on."""
    if locale not in LOCALES:
        raise DomainError(ErrorCode.INVALID_INPUT, "locale")
    user = await uow.session.get(User, actor.user_id)
    assert user is not None
    user.locale = locale
    uow.session.add(user)
    return user


async def logout(uow: UnitOfWork, actor: Actor) -> None:
    if actor.session_id is not None:
        await sessions.revoke(uow, actor.user_id, only=actor.session_id)


async def change_password(tx: Transactions, actor: Actor, *, current: str, new: str) -> User:
    """Every other session of the user ends. Hashing happens outside the write transaction."""
    user = await tx.read(lambda s: s.get(User, actor.user_id))
    assert user is not None
    if not await passwords.verify_password(tx.settings, user.password_hash, current):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "currentPassword")
    try:
        passwords.check_strength(new, username=user.username)
    except DomainError as error:
        raise DomainError(error.code, "newPassword", **error.params) from None
    verified, password_hash = user.password_hash, await passwords.hash_password(tx.settings, new)

    async def store(uow: UnitOfWork) -> User:
        row = await uow.session.get(User, actor.user_id)
        assert row is not None
        if row.password_hash != verified:  # changed by another request meanwhile
            raise DomainError(ErrorCode.INVALID_CREDENTIALS, "currentPassword")
        row.password_hash = password_hash
        uow.session.add(row)
        ended = await sessions.revoke(uow, actor.user_id, keep=actor.session_id)
        # Recorded whoever the user is (parents too): the trail shows when an account changed hands.
        uow.record(
            "passwordChanged",
            {"user": actor.user_id, "sessionsEnded": len(ended)},
            school_id=actor.school_id,
        )
        return row

    who = AuditContext(
        "changePassword", str(actor.role), user_id=actor.user_id, school_id=actor.school_id
    )
    return await tx.run(store, who)


async def request_password_reset(uow: UnitOfWork, *, email: str) -> None:
    """Mail every account with this address a new token and its username; silent otherwise."""
    try:
        address = normalise_email(email)
    except DomainError:
        return
    users = (await uow.session.scalars(select(User).where(col(User.email) == address))).all()
    for user in users:
        recent = await uow.session.scalar(
            select(col(OneTimeToken.id)).where(
                col(OneTimeToken.user_id) == user.id,
                col(OneTimeToken.purpose) == TokenPurpose.RESET,
                col(OneTimeToken.created_at) > uow.now - RESET_MAIL_MIN_INTERVAL,
            )
        )
        if recent is not None:
            continue
        raw = await _issue_token(uow, user, TokenPurpose.RESET)
        await _mail_token(uow, user, "password_reset", raw)
