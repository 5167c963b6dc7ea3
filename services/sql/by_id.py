"""DataLoader batches of objects by id, each read as far as its viewer may see it.

A key is (viewer, id): the ids of one viewer are read by one call of a service that takes the
viewer (its access condition inside the statement), so a page showing many objects costs one
statement per viewer, and an object the viewer may not see is simply not found.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts.actor import Actor
from services.sql.runtime import Runtime

T = TypeVar("T")
ViewerKey = tuple[Actor, int]
ById = Callable[[AsyncSession, Actor, list[int]], Awaitable[Mapping[int, T]]]


async def batched_by_id(
    runtime: Runtime, keys: Sequence[ViewerKey], fetch: ById[T]
) -> list[T | None]:
    """A DataLoader batch: one `fetch` per viewer for all its ids; None where nothing was found
    (missing, or not the viewer's to see)."""
    found: dict[ViewerKey, T] = {}
    for actor in dict.fromkeys(actor for actor, _ in keys):
        ids = sorted({db_id for asker, db_id in keys if asker == actor})
        async with runtime.transactions.reading() as session:
            rows = await fetch(session, actor, ids)
        found.update(((actor, db_id), value) for db_id, value in rows.items())
    return [found.get(key) for key in keys]
