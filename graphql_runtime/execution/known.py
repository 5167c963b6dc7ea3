"""Fields whose value is usually read with their parent, otherwise loaded."""

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., object])

# Marks a resolver that returns this attribute of its object whenever it is set (not None).
KNOWN_ATTRIBUTE = "__known_attribute__"


def known_or_loaded(known: T | None, load: Callable[[], Awaitable[T]]) -> T:
    """`known` when it was read with the parent (the dashboard's operations and sales carry
    their wallet and device); otherwise what `load` returns, an awaitable that graphql-core
    awaits as it awaits any resolver's result. A plain (not async) resolver built on this
    costs no coroutine, no task and no await when the value is known."""
    if known is not None:
        return known
    return cast(T, load())


def returns_known(attribute: str) -> Callable[[F], F]:
    """Marks a resolver (of a non-null field, without arguments) that returns `attribute` of
    its object when it is set: the executor then reads that attribute as a plain field
    (graphql_runtime/execution/plain_plans.py, plain_fields.py) and calls the resolver only when it is None."""

    def mark(resolver: F) -> F:
        setattr(resolver, KNOWN_ATTRIBUTE, attribute)
        return resolver

    return mark
