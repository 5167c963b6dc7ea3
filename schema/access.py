"""Who is asking, and running services for them: what every field's body starts with."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from graphql import OperationType, VariableNode, value_from_ast
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import loader
from schema.context import Info
from schema.errors import UnauthenticatedError, refused
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.sql.audit import AuditContext
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
    """Run a service in one unit of work (commit, then publish its events). A mutation's unit
    of work knows who runs it: a staff member's, a teacher's or a device's is written to the
    audit trail with its arguments and the rows it changed, in the same transaction."""
    return await info.context.runtime.transactions.run(work, audit_context(info))


def audit_context(info: Info) -> AuditContext | None:
    if info.operation.operation != OperationType.MUTATION:
        return None
    request = info.context.request
    address = request.client.host if request.client else None
    arguments = _arguments(info)
    actor, device = info.context.actor, info.context.device
    if actor is not None:
        return AuditContext(
            action=info.field_name,
            role=str(actor.role),
            user_id=actor.user_id,
            school_id=actor.school_id,
            address=address,
            arguments=arguments,
        )
    if device is not None:
        return AuditContext(
            action=info.field_name,
            role="DEVICE",
            device_id=device.device_id,
            school_id=device.school_id,
            address=address,
            arguments=arguments,
        )
    return None


def _arguments(info: Info) -> dict[str, Any]:
    """The root field's arguments as the schema coerced them (variables resolved)."""
    raw = info._raw_info
    definition = raw.parent_type.fields[raw.field_name]
    # graphql-core's own executor gives VariableValues (its `coerced` dict); the fast one a dict.
    given_variables: Any = raw.variable_values
    variables: dict[str, Any] = getattr(given_variables, "coerced", given_variables)
    given: dict[str, Any] = {}
    for argument in raw.field_nodes[0].arguments or ():
        if isinstance(argument.value, VariableNode):
            given[argument.name.value] = variables.get(argument.value.name.value)
        else:
            given[argument.name.value] = value_from_ast(
                argument.value, definition.args[argument.name.value].type, variables
            )
    return given


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
