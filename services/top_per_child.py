"""The first N rows of each child, in one statement whatever the number of children.

Every per-child list of the dashboard (unread documents, events, meetings, operations, sales)
has the same shape: a window function numbers each child's candidate rows in the wanted order,
and the outer query keeps the first `limit` of each child and loads them. Callers build the
candidates (their joins, access and visibility conditions) on `ranked(...)`, then read them
with `first_per_child` (rows of one table) or `first_rows_per_child` (with joined tables).
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

E = TypeVar("E")


def ranked(child: Any, row_id: Any, order_by: Sequence[Any]) -> Select[Any]:
    """`SELECT child_id, row_id, rank` numbering each child's rows in `order_by` order (from 1):
    add the candidates' joins and conditions to it."""
    rank = func.row_number().over(partition_by=child, order_by=tuple(order_by))
    return select(child.label("child_id"), row_id.label("row_id"), rank.label("rank"))


async def first_rows_per_child(
    session: AsyncSession,
    child_ids: Sequence[int],
    candidates: Select[Any],
    limit: int,
    entity: Any,
    *joined: tuple[Any, ColumnElement[bool]],
) -> dict[int, list[tuple[Any, ...]]]:
    """For each child: up to `limit` rows `(entity, *joined tables)` in rank order, `entity`
    being the table whose id `candidates` ranked. Every child asked for has a list (maybe
    empty); so does a child the candidates' conditions left out."""
    result: dict[int, list[tuple[Any, ...]]] = {child_id: [] for child_id in child_ids}
    if not child_ids or limit <= 0:
        return result
    top = candidates.subquery()
    query = (
        select(top.c.child_id, entity, *(table for table, _ in joined))
        .select_from(top)
        .join(entity, entity.id == top.c.row_id)
    )
    for table, onclause in joined:
        query = query.join(table, onclause)
    rows = await session.execute(
        query.where(top.c.rank <= limit).order_by(top.c.child_id, top.c.rank)
    )
    for row in rows.all():
        result[int(row[0])].append(tuple(row)[1:])
    return result


async def first_per_child(
    session: AsyncSession,
    child_ids: Sequence[int],
    candidates: Select[Any],
    limit: int,
    entity: type[E],
) -> dict[int, list[E]]:
    """For each child: up to `limit` rows of `entity` in rank order (see first_rows_per_child)."""
    rows = await first_rows_per_child(session, child_ids, candidates, limit, entity)
    return {child_id: [row[0] for row in found] for child_id, found in rows.items()}
