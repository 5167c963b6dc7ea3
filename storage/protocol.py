"""Where document files live. Services see only this protocol; `local.py` is the default."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class StoredFileMissing(LookupError):
    """The key names no file (never written, already deleted, or not a key at all)."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    modified_at: datetime


class DocumentStorage(Protocol):
    async def save(self, data: bytes) -> str:
        """Store the bytes under a new generated key (never a caller's name) and return it."""
        ...

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The file's bytes in chunks; raises StoredFileMissing when there is none."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the file; a missing one is not an error."""
        ...

    async def files(self) -> list[StoredFile]:
        """Every stored file (for sweeping files whose transaction never committed)."""
        ...
