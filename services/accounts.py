"""Accounts: invitations, activation, sign-in and out, password changes and resets."""

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlmodel import col

from models.accounts import OneTimeToken, Role, TokenPurpose, User
from models.family import School
from services import passwords, sessions, throttle
from services.actor import Actor
from services.errors import DomainError, ErrorCode, NotFound
from services.family import link_guardian, require_staff, school_children
from services.notify import send_mail
from services.tokens import digest, new_token
from services.uow import UnitOfWork

LOCALES = ("fr", "en")
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


async def activate_account(uow: UnitOfWork, *, token: str, password: str) -> SignedIn:
    """Redeem a mailed token: set the password and sign in. Also ends every other session."""
    row = await uow.session.scalar(
        select(OneTimeToken).where(col(OneTimeToken.token_hash) == digest(token))
    )
    if row is None or row.used_at is not None or row.revoked_at is not None:
        raise DomainError(ErrorCode.INVALID_TOKEN, "token")
    if uow.now >= row.expires_at:
        raise DomainError(ErrorCode.TOKEN_EXPIRED, "token")
    user = await uow.session.get(User, row.user_id)
    assert user is not None and user.id is not None
    passwords.check_strength(password, username=user.username)
    # Single use even when two requests race with the same token.
    claimed = await uow.session.execute(
        update(OneTimeToken)
        .where(col(OneTimeToken.id) == row.id, col(OneTimeToken.used_at).is_(None))
        .values(used_at=uow.now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.INVALID_TOKEN, "token")
    user.password_hash = passwords.hash_password(uow.settings, password)
    uow.session.add(user)
    await sessions.revoke(uow, user.id)
    # A recovered account starts afresh: earlier failures no longer delay sign-in.
    throttle.record(uow.session, user.username, "token", True, uow.now)
    return SignedIn(user, await sessions.open_session(uow, user))


@dataclass(frozen=True)
class LoginOutcome:
    """Failures are committed too (they feed throttling), so they are returned, not raised."""

    signed_in: SignedIn | None = None
    error: DomainError | None = None


async def login(
    uow: UnitOfWork, *, username: str, password: str, address: str, school: str | None = None
) -> LoginOutcome:
    name = normalise_username(username)
    try:
        await throttle.check_allowed(uow.session, uow.settings, name, address, uow.now)
    except DomainError as error:
        return LoginOutcome(error=error)
    query = select(User).where(col(User.username) == name)
    if school:
        query = query.join(School, col(School.id) == col(User.school_id)).where(
            col(School.slug) == school
        )
    candidates = list((await uow.session.scalars(query)).all())
    # Usernames are unique per school; without a school, the password decides among them.
    matching = [
        user
        for user in candidates
        if passwords.verify_password(uow.settings, user.password_hash, password)
    ]
    if not candidates:
        passwords.verify_password(uow.settings, None, password)
    if len(matching) != 1:
        throttle.record(uow.session, name, address, False, uow.now)
        return LoginOutcome(error=DomainError(ErrorCode.INVALID_CREDENTIALS))
    user = matching[0]
    throttle.record(uow.session, name, address, True, uow.now)
    return LoginOutcome(signed_in=SignedIn(user, await sessions.open_session(uow, user)))


async def logout(uow: UnitOfWork, actor: Actor) -> None:
    if actor.session_id is not None:
        await sessions.revoke(uow, actor.user_id, only=actor.session_id)


async def change_password(uow: UnitOfWork, actor: Actor, *, current: str, new: str) -> User:
    user = await uow.session.get(User, actor.user_id)
    assert user is not None
    if not passwords.verify_password(uow.settings, user.password_hash, current):
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "currentPassword")
    try:
        passwords.check_strength(new, username=user.username)
    except DomainError as error:
        raise DomainError(error.code, "newPassword", **error.params) from None
    user.password_hash = passwords.hash_password(uow.settings, new)
    uow.session.add(user)
    await sessions.revoke(uow, actor.user_id, keep=actor.session_id)
    return user


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
