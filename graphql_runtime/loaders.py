"""Per-operation DataLoaders, and the operation's read scope.

A websocket shares one context across its operations, so loaders cannot live on the context:
each operation runs in its own task, and a context variable set when it starts gives it its own.

What the engine asks of the app here, typed below: the context's `runtime`, handed to every
batch function, and an `OperationScope` that opens the scope an operation's reads share (the
app's: one database session per query) around its execution.
"""

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension

from graphql_runtime.compat import OperationType

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

BatchFn = Callable[[R, Sequence[K]], Awaitable[Sequence[V]]]

_loaders: ContextVar[dict[Any, DataLoader[Any, Any]] | None] = ContextVar("loaders", default=None)


class OperationLoader(DataLoader[K, V]):
    """A DataLoader whose loads are shielded: fields asking for the same key await one future,
    and graphql-core cancels the pending siblings of a field that fails. Cancelling one of them
    must not cancel the future the others await (a CancelledError in a field is no field
    error: it ends the whole request)."""

    def load(self, key: K) -> Awaitable[V]:
        return asyncio.shield(super().load(key))


class WithRuntime(Protocol[R_co]):
    """A context as loaders need it: `runtime` is what batch functions receive."""

    @property
    def runtime(self) -> R_co: ...


class InfoWithRuntime(Protocol[R_co]):
    @property
    def context(self) -> WithRuntime[R_co]: ...


class OperationScope(Protocol):
    """Opens the scope an operation's reads share, around its execution: given the request's
    context and whether the operation is a query (a mutation or a subscription reads apart)."""

    def __call__(self, context: Any, query: bool) -> AbstractAsyncContextManager[None]: ...


class OperationLoaders(SchemaExtension):
    scope: OperationScope | None = None

    # `on_execute`, not `on_operation`: strawberry holds a subscription's operation hooks for its
    # whole life, its execute hooks only while it subscribes (the loaders set here stay the
    # operation's: the variable is set in the operation's own context).
    async def on_execute(self) -> AsyncIterator[None]:
        _loaders.set({})
        scope = self.scope
        if scope is None:
            yield
            return
        context = self.execution_context
        async with scope(context.context, context.operation_type == OperationType.QUERY):
            yield


def loader(info: InfoWithRuntime[R], batch: BatchFn[R, K, V]) -> DataLoader[K, V]:
    """The operation's loader for this batch function (keys in, values in the same order out)."""
    cache = _loaders.get()
    if cache is None:  # outside an operation (e.g. building a subscription event): no sharing
        cache = {}
    found = cache.get(batch)
    if found is None:
        found = OperationLoader(load_fn=functools.partial(_call, batch, info.context.runtime))
        cache[batch] = found
    return found


async def _call(batch: BatchFn[R, K, V], runtime: R, keys: list[K]) -> list[V]:
    return list(await batch(runtime, keys))
