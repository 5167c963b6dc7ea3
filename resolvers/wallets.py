"""Reading wallets, operations and sales; node lookups; the live `walletChanged` subscription."""

from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import follow, loader
from models.ledger import OperationType, PaymentMethod
from resolvers import wallet_mapping as mapping
from resolvers.common import actor_of, read, refused
from schema.context import Info
from schema.errors import InvalidArgumentError
from schema.ids import db_id_of
from schema.pagination import PageInfo, decode_cursor, encode_cursor
from schema.sales import Device, SaleConnection, SaleEdge, SaleFilter
from schema.wallets import (
    OperationConnection,
    OperationEdge,
    OperationFilter,
    Wallet,
    WalletEvent,
    WalletSettings,
)
from schema.wallets import (
    Period as SchemaPeriod,
)
from services.accounts.actor import Actor
from services.common.errors import DomainError, NotFound
from services.common.periods import Period
from services.family import children as family
from services.sql.runtime import Runtime
from services.wallets import devices, topups, wallets
from services.wallets import history as wallet_history
from services.wallets.settings import money_settings
from services.wallets.views import WalletView, wallet_channel

V = TypeVar("V")
N = TypeVar("N")


async def _wallets_by_child(runtime: Runtime, child_ids: Sequence[int]) -> list[list[WalletView]]:
    found = await runtime.transactions.read(lambda s: wallets.wallets_of_children(s, child_ids))
    return [found.get(child_id, []) for child_id in child_ids]


async def _wallets_by_id(runtime: Runtime, wallet_ids: Sequence[int]) -> list[WalletView]:
    found = await runtime.transactions.read(lambda s: wallets.wallets_by_id(s, wallet_ids))
    return [found[wallet_id] for wallet_id in wallet_ids]


async def _devices_by_id(runtime: Runtime, device_ids: Sequence[int]) -> list[devices.DeviceView]:
    found = await runtime.transactions.read(lambda s: devices.devices_by_id(s, device_ids))
    return [found[device_id] for device_id in device_ids]


def _period(value: SchemaPeriod | None) -> Period | None:
    return None if value is None else Period(value.value)


def _id_or_nothing(global_id: strawberry.ID | None, type_name: str) -> int | None:
    """A filter's ID; one that names nothing of ours matches nothing (id 0), never everything."""
    if global_id is None:
        return None
    return db_id_of(global_id, type_name) or 0


async def _page(
    info: Info,
    journal: Callable[..., Awaitable[wallet_history.Page[V]]],
    school_id: int,
    child_id: int,
    wanted: wallet_history.HistoryFilter,
    first: int,
    after: str | None,
) -> wallet_history.Page[V]:
    now = info.context.runtime.settings.clock()
    return await read(
        info,
        lambda s: journal(
            s,
            school_id=school_id,
            child_id=child_id,
            now=now,
            filter=wanted,
            first=first,
            after=_position(after),
        ),
    )


def _cursor(position: wallet_history.Position) -> str:
    return encode_cursor(position[0].isoformat(), str(position[1]))


def _position(after: str | None) -> wallet_history.Position | None:
    """Where a cursor points; one we did not make is an INVALID_INPUT error, not page one."""
    if after is None:
        return None
    parts = decode_cursor(after, 2)
    try:
        assert parts is not None and parts[1].isdigit()
        return datetime.fromisoformat(parts[0]), int(parts[1])
    except (AssertionError, ValueError):
        raise InvalidArgumentError("after") from None


def _page_info(page: wallet_history.Page[V]) -> PageInfo:
    end = page.end
    return PageInfo(has_next_page=page.has_next_page, end_cursor=_cursor(end) if end else None)


class WalletsResolvers:
    """Implements schema.child_money.WalletsApi (children are already access-checked)."""

    async def child_wallets(self, info: Info, child_id: int) -> list[Wallet]:
        views = await loader(info, _wallets_by_child).load(child_id)
        return [mapping.wallet_type(v) for v in views]

    async def wallet(self, info: Info, wallet_id: int) -> Wallet:
        return mapping.wallet_type(await loader(info, _wallets_by_id).load(wallet_id))

    async def device(self, info: Info, device_id: int) -> Device:
        return mapping.device_type(await loader(info, _devices_by_id).load(device_id))

    async def operations(
        self,
        info: Info,
        school_id: int,
        child_id: int,
        filter: OperationFilter | None,
        first: int,
        after: str | None,
    ) -> OperationConnection:
        given = filter or OperationFilter()
        wanted = wallet_history.HistoryFilter(
            period=_period(given.period),
            from_=given.from_,
            to=given.to,
            wallet_id=_id_or_nothing(given.wallet_id, "Wallet"),
            type=None if given.type is None else OperationType(given.type.value),
            method=None if given.method is None else PaymentMethod(given.method.value),
        )
        page = await _page(
            info, wallet_history.operations, school_id, child_id, wanted, first, after
        )
        return OperationConnection(
            edges=[
                OperationEdge(node=mapping.operation_type(v), cursor=_cursor(p))
                for v, p in page.edges
            ],
            page_info=_page_info(page),
        )

    async def sales(
        self,
        info: Info,
        school_id: int,
        child_id: int,
        filter: SaleFilter | None,
        first: int,
        after: str | None,
    ) -> SaleConnection:
        given = filter or SaleFilter()
        wanted = wallet_history.HistoryFilter(
            period=_period(given.period),
            from_=given.from_,
            to=given.to,
            wallet_id=_id_or_nothing(given.wallet_id, "Wallet"),
            device_id=_id_or_nothing(given.device_id, "Device"),
            search=given.search,
        )
        page = await _page(info, wallet_history.sales, school_id, child_id, wanted, first, after)
        return SaleConnection(
            edges=[SaleEdge(node=mapping.sale_type(v), cursor=_cursor(p)) for v, p in page.edges],
            page_info=_page_info(page),
        )


def _node(
    lookup: Callable[[AsyncSession, Actor, int], Awaitable[V]], to_type: Callable[[V], N]
) -> Callable[[Info, int], Awaitable[N | None]]:
    """A node resolver: the service's access-checked lookup; NOT_FOUND answers null."""

    async def resolve(info: Info, db_id: int) -> N | None:
        actor = actor_of(info)
        try:
            found = await read(info, lambda s: lookup(s, actor, db_id))
        except DomainError:
            return None
        return to_type(found)

    return resolve


wallet_node = _node(wallets.wallet_for, mapping.wallet_type)
operation_node = _node(wallet_history.operation_for, mapping.operation_type)
sale_node = _node(wallet_history.sale_for, mapping.sale_type)
device_node = _node(devices.device_for, mapping.device_type)
top_up_node = _node(topups.top_up_for, mapping.top_up_type)


@strawberry.type
class Query:
    @strawberry.field(description="The school's wallet settings: wallets per child, top-up limits.")
    async def wallet_settings(self, info: Info) -> WalletSettings:
        actor = actor_of(info)
        return mapping.settings_type(await read(info, lambda s: money_settings(s, actor.school_id)))

    @strawberry.field(description="Staff: the school's point-of-sale devices (empty for others).")
    async def devices(self, info: Info) -> list[Device]:
        actor = actor_of(info)
        if not actor.is_staff:
            return []
        return [
            mapping.device_type(d)
            for d in await read(info, lambda s: devices.school_devices(s, actor))
        ]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="First one event per wallet of the child (operation null), then one per change, in commit order."
    )
    async def wallet_changed(
        self, info: Info, child_id: strawberry.ID
    ) -> AsyncGenerator[WalletEvent, None]:
        actor = actor_of(info)
        child = db_id_of(child_id, "Child")

        async def reachable(session: AsyncSession) -> bool:
            return bool(child and await family.accessible_child_ids(session, actor, [child]))

        if child is None or not await read(info, reachable):
            raise refused(info, NotFound("childId"))

        async def snapshot() -> tuple[int, list[WalletEvent]]:
            position, views = await read(info, lambda s: wallets.wallet_snapshot(s, child))
            return position, [mapping.snapshot_event(v, position) for v in views]

        def on_event(payload: dict[str, object]) -> list[WalletEvent]:
            return [mapping.wallet_event(payload)]

        async for event in follow(
            info.context.runtime.pubsub, wallet_channel(child), snapshot, on_event
        ):
            yield event
            del event  # not kept while the subscription waits
