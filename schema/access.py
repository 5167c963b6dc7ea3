"""Who is asking, and running services for them: what every field's body starts with."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from schema.context import Info
from schema.errors import UnauthenticatedError
from services.accounts.actor import Actor
from services.sql.uow import UnitOfWork
from services.wallets.devices import DeviceActor

T = TypeVar("T")


def actor_of(info: Info) -> Actor:
    """The signed-in user, or the UNAUTHENTICATED GraphQL error."""
    actor = info.context.actor
    if actor is None:
        raise UnauthenticatedError()
    return actor


def device_of(info: Info) -> DeviceActor:
    """The device behind `Authorization: Device <key>`, or the UNAUTHENTICATED GraphQL error."""
    device = info.context.device
    if device is None:
        raise UnauthenticatedError()
    return device


async def run(info: Info, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run a service in one unit of work (commit, then publish its events)."""
    return await info.context.runtime.transactions.run(work)


async def read(info: Info, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run a reading service (a query's reads share the operation's session)."""
    return await info.context.runtime.transactions.read(work)
