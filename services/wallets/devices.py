"""Point-of-sale devices: created by staff, each with a key shown once and stored hashed.

A device authenticates with `Authorization: Device <key>`; it may only record sales, in its
own school. Revoking it stops its key at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role
from models.db import Database
from models.sales import Device, DeviceKind
from services.accounts.actor import Actor
from services.accounts.tokens import digest, new_token
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import require_staff
from services.sql.uow import UnitOfWork

KEY_PREFIX = "dev_"
MAX_NAME = 100


@dataclass(frozen=True)
class DeviceActor:
    """A device behind a request: the counterpart of services.accounts.actor.Actor for people."""

    device_id: int
    school_id: int
    name: str
    kind: DeviceKind

    @property
    def idempotency_actor(self) -> str:
        return f"device:{self.device_id}"


@dataclass(frozen=True)
class DeviceView:
    id: int
    school_id: int
    name: str
    kind: DeviceKind
    active: bool

    @classmethod
    def of(cls, row: Device) -> "DeviceView":
        return cls.of_values(row.id, row.school_id, row.name, row.kind, row.revoked_at)

    @classmethod
    def of_values(cls, *values: Any) -> "DeviceView":
        """From the values of DEVICE_COLUMNS, in that order."""
        id_, school_id, name, kind, revoked_at = values
        assert id_ is not None
        return cls(id_, school_id, name, DeviceKind(kind), revoked_at is None)


# DeviceView.of_values' columns, for lists read as columns rather than ORM objects.
DEVICE_COLUMNS = (
    col(Device.id),
    col(Device.school_id),
    col(Device.name),
    col(Device.kind),
    col(Device.revoked_at),
)


async def create_device(
    uow: UnitOfWork, actor: Actor, *, name: str, kind: str
) -> tuple[DeviceView, str]:
    """The new device and its key (returned this once; only its digest is kept)."""
    require_staff(actor)
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise DomainError(ErrorCode.INVALID_INPUT, "name")
    try:
        device_kind = DeviceKind(kind.strip().lower())
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "kind") from None
    raw, _ = new_token()
    key = KEY_PREFIX + raw
    row = Device(
        school_id=actor.school_id,
        name=name,
        kind=device_kind,
        key_hash=digest(key),
        created_at=uow.now,
    )
    uow.session.add(row)
    await uow.session.flush()
    return DeviceView.of(row), key


async def revoke_device(uow: UnitOfWork, actor: Actor, device_id: int) -> DeviceView:
    require_staff(actor)
    row = await uow.session.get(Device, device_id)
    if row is None or row.school_id != actor.school_id:
        raise NotFound("deviceId")
    await uow.session.execute(
        update(Device)
        .where(col(Device.id) == device_id, col(Device.revoked_at).is_(None))
        .values(revoked_at=uow.now)
    )
    await uow.session.refresh(row)
    return DeviceView.of(row)


async def authenticate_device(database: Database, key: str) -> DeviceActor | None:
    async with database.read() as session:
        row = await session.scalar(select(Device).where(col(Device.key_hash) == digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    assert row.id is not None
    return DeviceActor(row.id, row.school_id, row.name, DeviceKind(row.kind))


async def school_devices(session: AsyncSession, actor: Actor) -> list[DeviceView]:
    """Staff manage them; parents read them (name and kind) to filter their sales."""
    if actor.role not in (Role.STAFF, Role.PARENT):
        raise DomainError(ErrorCode.FORBIDDEN)
    rows = await session.scalars(
        select(Device).where(col(Device.school_id) == actor.school_id).order_by(col(Device.id))
    )
    return [DeviceView.of(row) for row in rows]


async def device_for(session: AsyncSession, actor: Actor, device_id: int) -> DeviceView:
    """Staff see their school's devices (parents meet them through their child's sales)."""
    row = await session.get(Device, device_id)
    if row is None or row.school_id != actor.school_id or not actor.is_staff:
        raise NotFound("deviceId")
    return DeviceView.of(row)


async def devices_by_id(
    session: AsyncSession, actor: Actor, device_ids: Sequence[int]
) -> dict[int, DeviceView]:
    """These devices, those of the actor's school only (parents meet them through their
    children's sales; another school's are left out)."""
    if not device_ids:
        return {}
    rows = await session.scalars(
        select(Device).where(
            col(Device.id).in_(device_ids), col(Device.school_id) == actor.school_id
        )
    )
    return {row.id: DeviceView.of(row) for row in rows if row.id is not None}
