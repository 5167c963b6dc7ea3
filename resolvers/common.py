"""Glue every resolver uses: who is asking, running services, turning domain errors into data."""

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from schema.context import Info
from schema.errors import RefusedError, UnauthenticatedError, UserError
from schema.ids import db_id_of
from schema.messages import message
from services.accounts.actor import Actor
from services.common.errors import DomainError, NotFound
from services.sql.uow import UnitOfWork

T = TypeVar("T")
P = ParamSpec("P")


def actor_of(info: Info) -> Actor:
    """The signed-in user, or the UNAUTHENTICATED GraphQL error."""
    actor = info.context.actor
    if actor is None:
        raise UnauthenticatedError()
    return actor


def user_error(info: Info, error: DomainError) -> UserError:
    return UserError(
        code=error.code,
        message=message(error.code.value, info.context.locale, error.params),
        field=error.field,
    )


def refused(info: Info, error: DomainError) -> RefusedError:
    """A domain error where no payload can carry it (a subscription): a GraphQL error."""
    return RefusedError(
        error.code.value, message(error.code.value, info.context.locale, error.params)
    )


def catches_user_errors(
    payload: Callable[..., T],
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Turn a DomainError raised by a mutation's service into `payload(errors=[...])`."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except DomainError as error:
                info = kwargs.get("info")
                assert info is not None, "resolvers using catches_user_errors take `info`"
                return payload(errors=[user_error(info, error)])  # type: ignore[arg-type]

        return wrapper

    return decorate


async def run(info: Info, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """Run a service in one unit of work (commit, then publish its events)."""
    return await info.context.runtime.transactions.run(work)


async def read(info: Info, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    return await info.context.runtime.transactions.read(work)


def require_id(global_id: str, type_name: str, field: str) -> int:
    """A mutation argument's database id; a malformed or foreign ID is simply not found."""
    db_id = db_id_of(global_id, type_name)
    if db_id is None:
        raise NotFound(field)
    return db_id


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "unknown"
