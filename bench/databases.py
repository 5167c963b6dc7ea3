"""Fresh databases for a benchmark run: a SQLite file in a temporary directory, and a PostgreSQL
database created for the run and dropped after it (None when PostgreSQL is unreachable)."""

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from bench.common import ROOT

POSTGRES_ADMIN_DSN = os.environ.get(
    "BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def server_env(database_url: str, directory: str) -> dict[str, str]:
    """What a benchmark's servers and seeding read: the database, files kept under `directory`
    (not data/), and a cheap password hash (logging in is not what is measured)."""
    return {
        "DATABASE_URL": database_url,
        "BROADCAST_URL": "memory://",
        "HOST": "127.0.0.1",
        "PUBLIC_URL": "http://127.0.0.1:8000",
        "DOCUMENTS_DIR": os.path.join(directory, "documents"),
        "MAIL_OUTBOX_DIR": os.path.join(directory, "outbox"),
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "8",
        "ARGON2_PARALLELISM": "1",
    }


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="cartable-bench-") as directory:
        yield f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"


def postgres_reachable() -> bool:
    host_port = POSTGRES_ADMIN_DSN.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 5432)), timeout=1):
            return True
    except OSError:
        return False


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A brand-new database for this run, dropped afterwards; None (and a printed note) when
    PostgreSQL cannot be reached."""
    if not postgres_reachable():
        print(f"  PostgreSQL unreachable at {POSTGRES_ADMIN_DSN}: its run is skipped")
        yield None
        return
    name = f"cartable_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
        yield f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def backend_database(backend: str) -> Iterator[str | None]:
    manager = sqlite_database() if backend == "sqlite" else postgres_database()
    with manager as url:
        yield url


def cli(command: str, env: dict[str, str]) -> None:
    """`python -m cli <command>` against the bench's database, in its own process."""
    subprocess.run(
        [sys.executable, "-m", "cli", command],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )
