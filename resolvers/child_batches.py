"""DataLoader batches for "the first N things of each child": one statement per (viewer, N).

Keys are (actor, child id, limit) — or, where a list needs more than a limit, (actor, child
id, what is asked) with any hashable value. A batch groups them by (actor, limit or what is
asked) and asks the service once per group for all its children, so a page showing many
children costs the same number of statements as a page showing one.
"""

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts.actor import Actor
from services.sql.runtime import Runtime

T = TypeVar("T")
P = TypeVar("P", bound=Hashable)
ChildKey = tuple[Actor, int, int]
PerChild = Callable[[AsyncSession, Actor, list[int], P], Awaitable[dict[int, list[T]]]]


async def per_child(
    runtime: Runtime, keys: Sequence[tuple[Actor, int, P]], fetch: PerChild[P, T]
) -> list[list[T]]:
    found: dict[tuple[Actor, int, P], list[T]] = {}
    for actor, asked in dict.fromkeys((actor, asked) for actor, _, asked in keys):
        child_ids = sorted({c for a, c, n in keys if (a, n) == (actor, asked)})
        async with runtime.transactions.reading() as session:
            rows = await fetch(session, actor, child_ids, asked)
        for child_id, items in rows.items():
            found[(actor, child_id, asked)] = items
    return [found.get(key, []) for key in keys]
