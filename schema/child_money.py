"""What a child's money adds to `Child`: its wallets and its two journals, paged by cursor."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from schema.access import actor_of, read
from schema.context import Info
from schema.errors import InvalidArgumentError, refused
from schema.ids import db_id_of
from schema.pagination import PageInfo, decode_cursor, encode_cursor
from schema.sales import Sale, SaleConnection, SaleEdge, SaleFilter
from schema.wallets import (
    Operation,
    OperationConnection,
    OperationEdge,
    OperationFilter,
    Wallet,
    child_wallets,
)
from services.common.errors import DomainError
from services.wallets import history
from services.wallets.history import HistoryFilter, Page, Position

V = TypeVar("V")
# services.wallets.history.operations or .sales.
Journal = Callable[..., Awaitable[Page[V]]]


@strawberry.type
class ChildWallets:
    db_id: strawberry.Private[int]

    @strawberry.field
    async def wallets(self, info: Info) -> list[Wallet]:
        return await child_wallets(info, self.db_id)

    @strawberry.field(description="Every movement of the child's wallets, newest first.")
    async def operations(
        self,
        info: Info,
        filter: OperationFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> OperationConnection:
        given = filter or OperationFilter()
        wanted = HistoryFilter(
            period=given.period,
            from_=given.from_,
            to=given.to,
            wallet_id=_id_or_nothing(given.wallet_id, "Wallet"),
            type=given.type,
            method=given.method,
        )
        page = await _page(info, history.operations, self.db_id, wanted, first, after)
        return OperationConnection(
            edges=[
                OperationEdge(node=Operation.from_view(v), cursor=_cursor(p)) for v, p in page.edges
            ],
            page_info=_page_info(page),
        )

    @strawberry.field(description="What the child bought at the school's devices, newest first.")
    async def sales(
        self,
        info: Info,
        filter: SaleFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> SaleConnection:
        given = filter or SaleFilter()
        wanted = HistoryFilter(
            period=given.period,
            from_=given.from_,
            to=given.to,
            wallet_id=_id_or_nothing(given.wallet_id, "Wallet"),
            device_id=_id_or_nothing(given.device_id, "Device"),
            search=given.search,
        )
        page = await _page(info, history.sales, self.db_id, wanted, first, after)
        return SaleConnection(
            edges=[SaleEdge(node=Sale.from_view(v), cursor=_cursor(p)) for v, p in page.edges],
            page_info=_page_info(page),
        )


def _id_or_nothing(global_id: strawberry.ID | None, type_name: str) -> int | None:
    """A filter's ID; one that names nothing of ours matches nothing (id 0), never everything."""
    if global_id is None:
        return None
    return db_id_of(global_id, type_name) or 0


async def _page(
    info: Info,
    journal: Journal[V],
    child_id: int,
    wanted: HistoryFilter,
    first: int | None,
    after: str | None,
) -> Page[V]:
    actor = actor_of(info)
    now = info.context.runtime.settings.clock()
    size = 50 if first is None else first
    start = _position(after)

    async def page(session: AsyncSession) -> Page[V]:
        return await journal(
            session, actor, child_id=child_id, now=now, filter=wanted, first=size, after=start
        )

    try:
        return await read(info, page)
    except DomainError as error:
        raise refused(info, error) from None


def _cursor(position: Position) -> str:
    return encode_cursor(position[0].isoformat(), str(position[1]))


def _position(after: str | None) -> Position | None:
    """Where a cursor points; one we did not make is an INVALID_INPUT error, not page one."""
    if after is None:
        return None
    parts = decode_cursor(after, 2)
    try:
        assert parts is not None and parts[1].isdigit()
        return datetime.fromisoformat(parts[0]), int(parts[1])
    except (AssertionError, ValueError):
        raise InvalidArgumentError("after") from None


def _page_info(page: Page[V]) -> PageInfo:
    end = page.end
    return PageInfo(has_next_page=page.has_next_page, end_cursor=_cursor(end) if end else None)
