"""Documents on the local filesystem, under DOCUMENTS_DIR.

Names are random (128 bits) and sharded by their first two hex digits: `ab/ab12...`. Keys
read back from the database are checked against that shape before they touch a path, so
nothing stored in a row can lead outside the directory. A file is written to a temporary
name and renamed into place, so a reader never sees half a file.
"""

import asyncio
import os
import re
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from storage.protocol import StoredFile, StoredFileMissing

CHUNK_BYTES = 64 * 1024
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")


class LocalStorage:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise StoredFileMissing(key)
        return self.root / key

    async def save(self, data: bytes) -> str:
        name = secrets.token_hex(16)
        key = f"{name[:2]}/{name}"
        await asyncio.to_thread(self._write, self._path(key), data)
        return key

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.part")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    async def stream(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise StoredFileMissing(key) from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def exists(self, key: str) -> bool:
        try:
            path = self._path(key)
        except StoredFileMissing:
            return False
        return await asyncio.to_thread(path.is_file)

    async def delete(self, key: str) -> None:
        try:
            path = self._path(key)
        except StoredFileMissing:
            return
        await asyncio.to_thread(path.unlink, True)

    async def files(self) -> list[StoredFile]:
        return await asyncio.to_thread(self._list)

    def _list(self) -> list[StoredFile]:
        found = []
        for path in self.root.glob("??/*"):
            key = f"{path.parent.name}/{path.name}"
            if _KEY.match(key):
                moment = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                found.append(StoredFile(key, moment))
        return found
