"""Password hashing (argon2id) and strength rules."""

import asyncio
import contextlib
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.errors import DomainError, ErrorCode
from settings import Settings

MIN_LENGTH = 10
COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip().casefold() for line in lines if line.strip())


def check_strength(password: str, *, username: str | None = None) -> None:
    if len(password) < MIN_LENGTH:
        raise DomainError(ErrorCode.WEAK_PASSWORD, "password", reason="too_short", min=MIN_LENGTH)
    folded = password.casefold()
    if folded in common_passwords() or (username and folded == username.casefold()):
        raise DomainError(ErrorCode.WEAK_PASSWORD, "password", reason="common", min=MIN_LENGTH)


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher(settings: Settings) -> PasswordHasher:
    return _hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


async def hash_password(settings: Settings, password: str) -> str:
    # argon2 takes ~0.2 s of CPU by design: in a thread (it releases the GIL), never on the loop.
    return await asyncio.to_thread(hasher(settings).hash, password)


@cache
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("not-a-real-password-0")


async def verify_password(settings: Settings, password_hash: str | None, password: str) -> bool:
    """The same work whether or not the account exists or has a password yet (in a thread)."""
    return await asyncio.to_thread(_verify, settings, password_hash, password)


def _verify(settings: Settings, password_hash: str | None, password: str) -> bool:
    h = hasher(settings)
    if password_hash is None:
        key = (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)
        with contextlib.suppress(VerificationError, InvalidHashError):
            h.verify(_dummy_hash(*key), password)
        return False
    try:
        return h.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
