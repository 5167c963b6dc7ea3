"""Real databases and brokers for tests: SQLite always, PostgreSQL and Redis when reachable.

With CI=true an unreachable PostgreSQL or Redis is a failure, never a skip.
"""

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _require(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    if IN_CI:
        pytest.fail(f"{name} is required in CI but {host}:{port} is unreachable", pytrace=False)
    pytest.skip(f"{name} not reachable on {host}:{port}")


def require_postgres() -> None:
    _require("PostgreSQL", "127.0.0.1", 5432)


def require_redis() -> None:
    _require("Redis", "127.0.0.1", 6379)


def postgres_dsn(database: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{database}"


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A brand-new PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    require_postgres()
    name = f"cartable_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield postgres_dsn(name).replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@asynccontextmanager
async def fresh_sqlite_database(directory: Path) -> AsyncIterator[str]:
    path = directory / f"cartable-{uuid.uuid4().hex[:8]}.db"
    yield f"sqlite+aiosqlite:///{path}"


@asynccontextmanager
async def fresh_database(backend: str, directory: Path) -> AsyncIterator[str]:
    if backend == "postgres":
        async with fresh_postgres_database() as url:
            yield url
    else:
        async with fresh_sqlite_database(directory) as url:
            yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A polling deadline, not a cancel scope: callers pass plain seconds.
async def wait_for_port(host: str, port: int, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if _reachable(host, port):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port}")
