"""A parent's data export: every row Cartable holds about them and their children, as JSON."""

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from models.accounts import User
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.gdpr.walk import SECRET_COLUMNS, family_condition, load_family


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


async def export_family(session: AsyncSession, parent: User) -> dict[str, Any]:
    """One dict per table ({table: [rows]}); tables with no row of the family are listed empty
    so the reader sees what was looked at."""
    family = await load_family(session, parent)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in SQLModel.metadata.sorted_tables:
        condition = family_condition(table, family)
        if condition is None:
            continue
        columns = [c for c in table.columns if c.name not in SECRET_COLUMNS]
        rows = await session.execute(select(*columns).where(condition).order_by(*table.primary_key))
        tables[table.name] = [
            {name: _plain(value) for name, value in row._mapping.items()} for row in rows
        ]
    return {"format": "cartable-export-1", "userId": parent.id, "tables": tables}


async def export_own_data(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    """What the signed-in user downloads: their own data (and their children's)."""
    user = await session.get(User, actor.user_id)
    if user is None:
        raise NotFound("user")
    return await export_family(session, user)


async def family_row_count(session: AsyncSession, parent: User) -> int:
    """How many rows the export would hold: above the settings' threshold it is built in the
    background (services/gdpr/deferred.py) instead of within the request."""
    family = await load_family(session, parent)
    total = 0
    for table in SQLModel.metadata.sorted_tables:
        condition = family_condition(table, family)
        if condition is not None:
            total += int(
                await session.scalar(select(func.count()).select_from(table).where(condition)) or 0
            )
    return total


def export_bytes(data: dict[str, Any]) -> bytes:
    """The file GET /me/export.json and the mailed link both serve."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
