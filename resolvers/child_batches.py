"""DataLoader batches for "the first N things of each child": one statement per (viewer, N).

Keys are (actor, child id, limit). A batch groups them by (actor, limit) and asks the service
once per group for all its children, so a page showing many children costs the same number
of statements as a page showing one.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.runtime import Runtime

T = TypeVar("T")
ChildKey = tuple[Actor, int, int]
PerChild = Callable[[AsyncSession, Actor, list[int], int], Awaitable[dict[int, list[T]]]]


async def per_child(
    runtime: Runtime, keys: Sequence[ChildKey], fetch: PerChild[T]
) -> list[list[T]]:
    found: dict[ChildKey, list[T]] = {}
    for actor, limit in dict.fromkeys((actor, limit) for actor, _, limit in keys):
        child_ids = sorted({c for a, c, n in keys if (a, n) == (actor, limit)})
        async with runtime.database.read() as session:
            rows = await fetch(session, actor, child_ids, limit)
        for child_id, items in rows.items():
            found[(actor, child_id, limit)] = items
    return [found.get(key, []) for key in keys]
