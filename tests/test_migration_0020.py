"""Migration 0020 encrypts the TOTP secrets already stored in clear (and its downgrade gives
them back), on SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyotp
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet

from models.db import create_engine
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _migrate(url: str, target: str, down: bool = False) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    (command.downgrade if down else command.upgrade)(config, target)


def _filler(column: sa.Column[Any], serial: int) -> Any:
    """A value for a required column: enough to insert a school and a user at revision 0018."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return datetime(2026, 1, 1).date()
    if isinstance(kind, sa.JSON):
        return {}
    length = getattr(kind, "length", None) or 20
    return f"v{serial}"[:length]


def _insert_required(connection: sa.Connection, name: str, values: dict[str, Any]) -> None:
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    row = dict(values)
    for number, column in enumerate(table.columns):
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if column.primary_key and column.autoincrement:
            continue
        row[column.name] = _filler(column, number)
    connection.execute(table.insert().values(row))


def _seed_clear_secret(connection: sa.Connection, secret: str) -> None:
    _insert_required(connection, "schools", {"id": 1})
    _insert_required(connection, "users", {"id": 1, "school_id": 1})
    _insert_required(connection, "totp_credentials", {"user_id": 1, "secret": secret})


def _columns(connection: sa.Connection) -> dict[str, Any]:
    row = connection.execute(sa.text("SELECT * FROM totp_credentials WHERE user_id = 1")).one()
    return dict(row._mapping)


async def _run(url: str, work: Any, *args: Any) -> Any:
    # A fresh engine each time: asyncpg's cached statements do not survive a schema change.
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work, *args)
    finally:
        await engine.dispose()


async def test_existing_secrets_are_encrypted_and_come_back_on_downgrade(
    database_url: str,
) -> None:
    secret = pyotp.random_base32()
    await asyncio.to_thread(_migrate, database_url, "0018")
    await _run(database_url, _seed_clear_secret, secret)
    await asyncio.to_thread(_migrate, database_url, "0020")
    after = await _run(database_url, _columns)
    assert "secret" not in after
    assert secret not in str(after)
    key = Settings().totp_key_list[0]
    assert Fernet(key).decrypt(after["secret_sealed"].encode()).decode() == secret

    await asyncio.to_thread(_migrate, database_url, "0018", True)
    before = await _run(database_url, _columns)
    assert before["secret"] == secret and "secret_sealed" not in before
    await asyncio.to_thread(_migrate, database_url, "head")
