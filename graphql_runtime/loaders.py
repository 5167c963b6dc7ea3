"""Per-operation DataLoaders.

A websocket shares one context across its operations, so loaders cannot live on the context:
each operation runs in its own task, and a context variable set when it starts gives it its own.
"""

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.context import Info
from services.sql.runtime import Runtime
from services.sql.uow import SharedRead

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
BatchFn = Callable[[Runtime, Sequence[K]], Awaitable[Sequence[V]]]

_loaders: ContextVar[dict[Any, DataLoader[Any, Any]] | None] = ContextVar("loaders", default=None)


# Where an HTTP request keeps the read session its authentication opened (in its ASGI scope),
# for its query to read with; whoever ends up not using it closes it (resolvers.endpoint too).
OPENED_READ_KEY = "cartable.opened_read"


def opened_read(context: Any) -> SharedRead | None:
    """The read session the request's authentication opened, taken from the request."""
    request = getattr(context, "request", None)
    scope = getattr(request, "scope", None)
    found = scope.pop(OPENED_READ_KEY, None) if isinstance(scope, dict) else None
    return found if isinstance(found, SharedRead) else None


class OperationLoaders(SchemaExtension):
    # `on_execute`, not `on_operation`: strawberry holds a subscription's operation hooks for its
    # whole life, its execute hooks only while it subscribes (the loaders set here stay the
    # operation's: the variable is set in the operation's own context).
    async def on_execute(self) -> AsyncIterator[None]:
        _loaders.set({})
        # A query's reads share one database session (services.sql.uow.SharedRead): the one the
        # request's authentication read with, if any.
        context = self.execution_context.context
        runtime = getattr(context, "runtime", None)
        opened = opened_read(context)
        if runtime is None or self.execution_context.operation_type != OperationType.QUERY:
            if opened is not None:
                await opened.close()
            yield
            return
        async with runtime.transactions.one_read_session(opened):
            yield


def loader(info: Info, batch: BatchFn[K, V]) -> DataLoader[K, V]:
    """The operation's loader for this batch function (keys in, values in the same order out)."""
    cache = _loaders.get()
    if cache is None:  # outside an operation (e.g. building a subscription event): no sharing
        cache = {}
    found = cache.get(batch)
    if found is None:
        found = DataLoader(load_fn=functools.partial(_call, batch, info.context.runtime))
        cache[batch] = found
    return found


async def _call(batch: BatchFn[K, V], runtime: Runtime, keys: list[K]) -> list[V]:
    return list(await batch(runtime, keys))
