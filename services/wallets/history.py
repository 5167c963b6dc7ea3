"""A child's financial operations and sales journal: filtered, newest first, paged in SQL.

A child the actor may not see is NOT_FOUND (read with the school's time zone: no extra
statement). Keyset pagination on (at, id) descending: a page is one indexed range scan whatever its depth,
and rows written meanwhile never shift a page. A page starts after a `Position` (the (at, id) of
the last row seen); the resolvers turn positions into opaque cursors and back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import Child, School
from models.ledger import OperationType, PaymentMethod, Posting
from models.sales import Sale
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.common.periods import Period, window
from services.family.children import accessible_child_ids, visible_children
from services.wallets.sales import SaleView, search_key, with_refunds
from services.wallets.views import OperationView

T = TypeVar("T")
MAX_PAGE = 100
Position = tuple[datetime, int]


@dataclass(frozen=True)
class HistoryFilter:
    period: Period | None = None
    from_: date | None = None
    to: date | None = None
    wallet_id: int | None = None
    type: OperationType | None = None  # operations only
    method: PaymentMethod | None = None  # operations only
    device_id: int | None = None  # sales only
    search: str | None = None  # sales only: part of the article's name


@dataclass(frozen=True)
class Page(Generic[T]):
    edges: list[tuple[T, Position]] = field(default_factory=list)  # (item, where it stands)
    has_next_page: bool = False

    @property
    def end(self) -> Position | None:
        return self.edges[-1][1] if self.edges else None


async def operations(
    session: AsyncSession,
    actor: Actor,
    *,
    child_id: int,
    now: datetime,
    filter: HistoryFilter,
    first: int,
    after: Position | None,
) -> Page[OperationView]:
    query = select(Posting).where(col(Posting.child_id) == child_id)
    if filter.wallet_id is not None:
        query = query.where(col(Posting.wallet_id) == filter.wallet_id)
    if filter.type is not None:
        query = query.where(col(Posting.operation_type) == filter.type)
    if filter.method is not None:
        query = query.where(col(Posting.method) == filter.method)
    return await _page(
        session, actor, child_id, query, Posting, now, filter, first, after, OperationView.of
    )


async def sales(
    session: AsyncSession,
    actor: Actor,
    *,
    child_id: int,
    now: datetime,
    filter: HistoryFilter,
    first: int,
    after: Position | None,
) -> Page[SaleView]:
    query = select(Sale).where(col(Sale.child_id) == child_id)
    if filter.wallet_id is not None:
        query = query.where(col(Sale.wallet_id) == filter.wallet_id)
    if filter.device_id is not None:
        query = query.where(col(Sale.device_id) == filter.device_id)
    if filter.search and (needle := search_key(filter.search)):
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(col(Sale.article_search).like(f"%{escaped}%", escape="\\"))
    page = await _page(
        session, actor, child_id, query, Sale, now, filter, first, after, SaleView.of
    )
    views = await with_refunds(session, [view for view, _ in page.edges])
    edges = [(view, position) for view, (_, position) in zip(views, page.edges, strict=True)]
    return Page(edges, page.has_next_page)


async def _page(
    session: AsyncSession,
    actor: Actor,
    child_id: int,
    query: Select[Any],
    table: Any,
    now: datetime,
    filter: HistoryFilter,
    first: int,
    after: Position | None,
    view: Callable[[Any], T],
) -> Page[T]:
    timezone = await session.scalar(
        select(col(School.timezone))
        .join(Child, col(Child.school_id) == col(School.id))
        .where(col(Child.id) == child_id, col(Child.id).in_(visible_children(actor)))
    )
    if timezone is None:
        raise NotFound("childId")
    start, end = window(timezone, now, period=filter.period, from_=filter.from_, to=filter.to)
    at, row_id = col(table.at), col(table.id)
    query = query.where(at >= start, at < end)
    if after is not None:
        query = query.where(or_(at < after[0], and_(at == after[0], row_id < after[1])))
    size = max(1, min(first, MAX_PAGE))
    rows = list(
        (await session.scalars(query.order_by(at.desc(), row_id.desc()).limit(size + 1))).all()
    )
    edges = [(view(row), (row.at, row.id)) for row in rows[:size]]
    return Page(edges, has_next_page=len(rows) > size)


async def operation_for(session: AsyncSession, actor: Actor, operation_id: int) -> OperationView:
    """One operation of a child the actor may see; NOT_FOUND otherwise."""
    posting = await session.get(Posting, operation_id)
    if (
        posting is None
        or posting.child_id is None
        or posting.school_id != actor.school_id
        or not await accessible_child_ids(session, actor, [posting.child_id])
    ):
        raise NotFound("id")
    return OperationView.of(posting)


async def sale_for(session: AsyncSession, actor: Actor, sale_id: int) -> SaleView:
    sale = await session.get(Sale, sale_id)
    if (
        sale is None
        or sale.school_id != actor.school_id
        or not await accessible_child_ids(session, actor, [sale.child_id])
    ):
        raise NotFound("id")
    return (await with_refunds(session, [SaleView.of(sale)]))[0]
