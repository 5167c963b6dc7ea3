"""The first N rows of each child, in one statement whatever the number of children.

Every per-child list of the dashboard (unread documents, events, meetings, operations, sales)
has the same shape: a window function numbers each child's candidate rows in the wanted order,
and the outer query keeps the first `limit` of each child and loads them. Callers build the
candidates (their joins, access and visibility conditions) on `ranked(...)` with the children
as `CHILD_IDS` and every other value as a bind parameter, wrap them with `per_child(...)` once
(`functools.cache` on the builder), then run the statement with `first_per_child` (rows of one
table) or `first_rows_per_child` (with joined tables) and the parameters' values: building such
a statement costs several times more than running it.
"""

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.accounts.actor import Actor
from services.sql.column_reads import column_rows
from services.sql.runtime import Runtime
from services.sql.single_values import single_values

# The children asked for (`child.in_(CHILD_IDS)` in the candidates) and the rows kept per child.
CHILD_IDS: BindParameter[list[int]] = bindparam("child_ids", expanding=True)
LIMIT: BindParameter[int] = bindparam("per_child_limit")
# Marks a `per_child` statement built with `columns=`: it is read without the ORM.
_COLUMNS_ONLY = "cartable_columns_only"


def ranked(child: Any, row_id: Any, order_by: Sequence[Any]) -> Select[Any]:
    """`SELECT child_id, row_id, rank` numbering each child's rows in `order_by` order (from 1):
    add the candidates' joins and conditions to it."""
    rank = func.row_number().over(partition_by=child, order_by=tuple(order_by))
    return select(child.label("child_id"), row_id.label("row_id"), rank.label("rank"))


def per_child(
    candidates: Select[Any],
    entity: Any,
    *joined: tuple[Any, ColumnElement[bool]],
    columns: Sequence[Any] | None = None,
) -> Select[Any]:
    """`(child_id, entity, *joined tables)` of the first LIMIT candidates of each child, in rank
    order, `entity` being the table whose id `candidates` ranked; with `columns`,
    `(child_id, *columns)` of those tables instead (no ORM objects to build: cheaper for
    lists read on every page load)."""
    top = candidates.subquery()
    selected = (entity, *(table for table, _ in joined)) if columns is None else columns
    query = (
        select(top.c.child_id, *selected).select_from(top).join(entity, entity.id == top.c.row_id)
    )
    for table, onclause in joined:
        query = query.join(table, onclause)
    query = query.where(top.c.rank <= LIMIT).order_by(top.c.child_id, top.c.rank)
    return query if columns is None else query.execution_options(**{_COLUMNS_ONLY: True})


async def first_rows_per_child(
    session: AsyncSession,
    child_ids: Sequence[int],
    statement: Select[Any],
    limit: int,
    params: Mapping[str, Any],
) -> dict[int, list[tuple[Any, ...]]]:
    """For each child: up to `limit` rows `(entity, *joined tables)` of a `per_child` statement
    run with `params` (the columns asked for, without the ORM, for one built with `columns=`).
    Every child asked for has a list (maybe empty); so does a child the candidates' conditions
    left out."""
    result: dict[int, list[tuple[Any, ...]]] = {child_id: [] for child_id in child_ids}
    if not child_ids or limit <= 0:
        return result
    values: Mapping[str, Any] = {**params, CHILD_IDS.key: list(child_ids), LIMIT.key: limit}
    rows: Sequence[Any]
    if statement.get_execution_options().get(_COLUMNS_ONLY):
        rows = await column_rows(session, statement, values)
    else:
        statement, values = single_values(statement, values)
        rows = (await session.execute(statement, values)).all()
    for row in rows:
        result[int(row[0])].append(tuple(row)[1:])
    return result


async def first_per_child(
    session: AsyncSession,
    child_ids: Sequence[int],
    statement: Select[Any],
    limit: int,
    params: Mapping[str, Any],
) -> dict[int, list[Any]]:
    """For each child: up to `limit` rows of the statement's entity in rank order (see
    first_rows_per_child)."""
    rows = await first_rows_per_child(session, child_ids, statement, limit, params)
    return {child_id: [row[0] for row in found] for child_id, found in rows.items()}


T = TypeVar("T")
P = TypeVar("P", bound=Hashable)
# A DataLoader key of such a list: (viewer, child id, limit), or (viewer, child id, anything
# hashable that says what is asked) where a list needs more than a limit.
ChildKey = tuple[Actor, int, int]
PerChild = Callable[[AsyncSession, Actor, list[int], P], Awaitable[dict[int, list[T]]]]


async def batched_per_child(
    runtime: Runtime, keys: Sequence[tuple[Actor, int, P]], fetch: PerChild[P, T]
) -> list[list[T]]:
    """A DataLoader batch: the keys grouped by (viewer, what is asked), one `fetch` per group
    for all its children, so a page showing many children costs the statements of one."""
    found: dict[tuple[Actor, int, P], list[T]] = {}
    for actor, asked in dict.fromkeys((actor, asked) for actor, _, asked in keys):
        child_ids = sorted({c for a, c, n in keys if (a, n) == (actor, asked)})
        async with runtime.transactions.reading() as session:
            rows = await fetch(session, actor, child_ids, asked)
        for child_id, items in rows.items():
            found[(actor, child_id, asked)] = items
    return [found.get(key, []) for key in keys]
