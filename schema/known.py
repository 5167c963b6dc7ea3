"""Fields whose value is usually read with their parent, otherwise loaded."""

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

T = TypeVar("T")


def known_or_loaded(known: T | None, load: Callable[[], Awaitable[T]]) -> T:
    """`known` when it was read with the parent (the dashboard's operations and sales carry
    their wallet and device); otherwise what `load` returns, an awaitable that graphql-core
    awaits as it awaits any resolver's result. A plain (not async) resolver built on this
    costs no coroutine, no task and no await when the value is known."""
    if known is not None:
        return known
    return cast(T, load())
