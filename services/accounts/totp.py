"""Two-factor sign-in (RFC 6238 TOTP): enrolment, codes, recovery codes, the school's rule.

A code is accepted once: the step it belongs to must be later than the last accepted one, and
a conditional UPDATE settles two requests racing with the same code. Recovery codes are
random, shown once, stored as SHA-256 and spent by a conditional UPDATE too.
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role, User
from models.family import School
from models.totp import TotpCredential, TotpRecoveryCode
from services.accounts.actor import Actor
from services.accounts.tokens import digest
from services.accounts.totp_secrets import seal, unseal
from services.common.errors import DomainError, ErrorCode
from services.family.children import require_staff
from services.sql.uow import UnitOfWork

STEP_SECONDS = 30
# One step either side: the phone's clock may be a little off.
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_RECOVERY_GROUPS, _RECOVERY_GROUP_LEN = 4, 4  # 16 characters, 80 bits


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    qr_svg: str  # a data: URI the page shows as an image


def step_of(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def staff_role(role: str) -> bool:
    """The accounts the school's rule covers: staff and teachers."""
    return role in (Role.STAFF, Role.TEACHER)


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def _is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def matching_step(secret: str, code: str, now: datetime, after: int | None) -> int | None:
    """The step (within the drift) whose code this is, if later than `after`."""
    totp = pyotp.TOTP(secret)
    current = step_of(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(
        raw[i : i + _RECOVERY_GROUP_LEN]
        for i in range(0, _RECOVERY_GROUPS * _RECOVERY_GROUP_LEN, _RECOVERY_GROUP_LEN)
    )


async def credential(session: AsyncSession, user_id: int) -> TotpCredential | None:
    """The user's confirmed credential, if two-factor sign-in is on."""
    row = await session.get(TotpCredential, user_id)
    return row if row is not None and row.confirmed_at is not None else None


async def is_enabled(session: AsyncSession, user_id: int) -> bool:
    return await credential(session, user_id) is not None


async def spend_code(uow: UnitOfWork, user_id: int, code: str) -> str | None:
    """Accept a current TOTP code or an unused recovery code once; what it was, or None."""
    code = _normalise(code)
    row = await credential(uow.session, user_id)
    if row is None or not code:
        return None
    if _is_totp_code(code):
        secret = unseal(uow.settings, row.secret_sealed, user_id)
        step = matching_step(secret, code, uow.now, row.last_step)
        if step is None:
            return None
        claimed = await uow.session.execute(
            update(TotpCredential)
            .where(
                col(TotpCredential.user_id) == user_id,
                or_(col(TotpCredential.last_step).is_(None), col(TotpCredential.last_step) < step),
            )
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        )
        return "totp" if claimed.rowcount == 1 else None  # type: ignore[attr-defined]
    spent = await uow.session.execute(
        update(TotpRecoveryCode)
        .where(
            col(TotpRecoveryCode.user_id) == user_id,
            col(TotpRecoveryCode.code_hash) == digest(code),
            col(TotpRecoveryCode.used_at).is_(None),
        )
        .values(used_at=uow.now)
        .execution_options(synchronize_session=False)
    )
    return "recovery" if spent.rowcount == 1 else None  # type: ignore[attr-defined]


async def start_enrolment(uow: UnitOfWork, user_id: int) -> Enrolment:
    """A new secret, not active until a code from it is confirmed (replaces an earlier
    unfinished enrolment)."""
    user = await uow.session.get(User, user_id)
    assert user is not None
    row = await uow.session.get(TotpCredential, user_id)
    if row is not None and row.confirmed_at is not None:
        raise DomainError(ErrorCode.ALREADY_EXISTS)
    school = await uow.session.get(School, user.school_id)
    assert school is not None
    secret = pyotp.random_base32()
    sealed = seal(uow.settings, secret)
    if row is None:
        row = TotpCredential(user_id=user_id, secret_sealed=sealed, created_at=uow.now)
    row.secret_sealed, row.created_at, row.last_step = sealed, uow.now, None
    uow.session.add(row)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=school.name)
    qr = segno.make(uri, error="m").svg_data_uri(scale=4)
    return Enrolment(secret=secret, uri=uri, qr_svg=qr)


async def confirm_enrolment(uow: UnitOfWork, user_id: int, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code; answers the recovery codes, once."""
    row = await uow.session.get(TotpCredential, user_id)
    if row is None or row.confirmed_at is not None:
        raise DomainError(ErrorCode.NOT_FOUND)
    secret = unseal(uow.settings, row.secret_sealed, user_id)
    step = matching_step(secret, _normalise(code), uow.now, None)
    if step is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "code")
    confirmed = await uow.session.execute(
        update(TotpCredential)
        .where(col(TotpCredential.user_id) == user_id, col(TotpCredential.confirmed_at).is_(None))
        .values(confirmed_at=uow.now, last_step=step)
        .execution_options(synchronize_session=False)
    )
    if confirmed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.NOT_FOUND)
    await uow.session.execute(
        delete(TotpRecoveryCode).where(col(TotpRecoveryCode.user_id) == user_id)
    )
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    for plain in codes:
        uow.session.add(TotpRecoveryCode(user_id=user_id, code_hash=digest(_normalise(plain))))
    user = await uow.session.get(User, user_id)
    assert user is not None
    uow.record("totpEnabled", {"user": user_id}, school_id=user.school_id)
    return codes


async def disable(uow: UnitOfWork, user_id: int, code: str) -> None:
    """Turn two-factor sign-in off: a valid code is needed, and staff cannot while their
    school requires it."""
    user = await uow.session.get(User, user_id)
    assert user is not None
    school = await uow.session.get(School, user.school_id)
    assert school is not None
    if school.totp_required_for_staff and staff_role(user.role):
        raise DomainError(ErrorCode.FORBIDDEN)
    if await spend_code(uow, user_id, code) is None:
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "code")
    await uow.session.execute(
        delete(TotpRecoveryCode).where(col(TotpRecoveryCode.user_id) == user_id)
    )
    await uow.session.execute(delete(TotpCredential).where(col(TotpCredential.user_id) == user_id))
    uow.record("totpDisabled", {"user": user_id}, school_id=user.school_id)


async def remaining_recovery_codes(session: AsyncSession, user_id: int) -> int:
    rows = await session.scalars(
        select(col(TotpRecoveryCode.id)).where(
            col(TotpRecoveryCode.user_id) == user_id, col(TotpRecoveryCode.used_at).is_(None)
        )
    )
    return len(rows.all())


async def require_for_staff(uow: UnitOfWork, actor: Actor, required: bool) -> bool:
    """Staff only: whether staff and teachers must use two-factor sign-in to sign in."""
    require_staff(actor)
    school = await uow.session.get(School, actor.school_id)
    assert school is not None
    school.totp_required_for_staff = required
    uow.session.add(school)
    uow.record("totpRequirementChanged", {"required": required}, school_id=actor.school_id)
    return required
