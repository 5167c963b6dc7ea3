"""Who is asking, and running services for them: what every field's body starts with."""

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import loader
from schema.context import Info
from schema.errors import UnauthenticatedError, refused
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.sql.by_id import ViewerKey
from services.sql.runtime import Runtime
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


ByIdBatch = Callable[[Runtime, Sequence[ViewerKey]], Awaitable[Sequence[T | None]]]


async def load_by_id(info: Info, batch: ByIdBatch[T], db_id: int) -> T:
    """An object the viewer reached through another (a sale's wallet, a child's school), read
    in the operation's batch (services.sql.by_id); NOT_FOUND if the viewer may not see it."""
    found = await loader(info, batch).load((actor_of(info), db_id))
    if found is None:
        raise refused(info, NotFound("id"))
    return found
