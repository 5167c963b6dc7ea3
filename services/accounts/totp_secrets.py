"""TOTP secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with the keys of the settings.

A stolen database (a backup, a dump) must not let anyone compute a user's codes: the column
holds only the ciphertext. The first key encrypts; every listed key decrypts, so a key can be
rotated without locking anyone out (`python -m cli rotate-totp-secrets`).
"""

import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.totp import TotpCredential
from services.common.errors import DomainError, ErrorCode
from settings import Settings

log = logging.getLogger(__name__)


class SecretUnreadable(DomainError):
    """No configured key opens the stored secret (the key was changed, not rotated): the user
    gets a clear error and the operator a log line, never a 500."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.SECOND_FACTOR_UNAVAILABLE, "code")


def cipher(keys: list[str]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def seal(settings: Settings, secret: str) -> str:
    return cipher(settings.totp_key_list).encrypt(secret.encode()).decode()


def unseal(settings: Settings, sealed: str, user_id: int) -> str:
    try:
        return cipher(settings.totp_key_list).decrypt(sealed.encode()).decode()
    except InvalidToken:
        log.error(
            "the TOTP secret of user %s opens with none of TOTP_ENCRYPTION_KEYS: "
            "was the key replaced instead of rotated?",
            user_id,
        )
        raise SecretUnreadable() from None


def reseal(settings: Settings, sealed: str) -> str:
    """The same secret under the first key (rotation); raises InvalidToken when no key opens it."""
    return cipher(settings.totp_key_list).rotate(sealed.encode()).decode()


async def rotate_all(session: AsyncSession, settings: Settings) -> tuple[int, list[int]]:
    """Every stored secret re-encrypted under the first key: how many, and the users whose
    secret no key opens (left as they are)."""
    rows = (
        await session.execute(
            select(col(TotpCredential.user_id), col(TotpCredential.secret_sealed))
        )
    ).all()
    unreadable: list[int] = []
    for user_id, sealed in rows:
        try:
            fresh = reseal(settings, sealed)
        except InvalidToken:
            unreadable.append(user_id)
            continue
        await session.execute(
            update(TotpCredential)
            .where(col(TotpCredential.user_id) == user_id)
            .values(secret_sealed=fresh)
        )
    return len(rows) - len(unreadable), unreadable
