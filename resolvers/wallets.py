"""Wallet settings, the staff's devices, node lookups of money objects, and the live
`walletChanged` subscription."""

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_runtime.public import follow
from schema.access import actor_of, read
from schema.context import Info
from schema.errors import refused
from schema.ids import db_id_of
from schema.sales import Device, Sale
from schema.wallets import Operation, TopUp, Wallet, WalletEvent, WalletSettings
from services.accounts.actor import Actor
from services.common.errors import DomainError, NotFound
from services.family import children as family
from services.wallets import devices, history, topups, wallets
from services.wallets.settings import settings_for
from services.wallets.views import wallet_channel

V = TypeVar("V")
N = TypeVar("N")


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


wallet_node = _node(wallets.wallet_for, Wallet.from_view)
operation_node = _node(history.operation_for, Operation.from_view)
sale_node = _node(history.sale_for, Sale.from_view)
device_node = _node(devices.device_for, Device.from_view)
top_up_node = _node(topups.top_up_for, TopUp.from_view)


@strawberry.type
class Query:
    @strawberry.field(description="The school's wallet settings: wallets per child, top-up limits.")
    async def wallet_settings(self, info: Info) -> WalletSettings:
        actor = actor_of(info)
        return WalletSettings.from_view(await read(info, lambda s: settings_for(s, actor)))

    @strawberry.field(
        description="The school's point-of-sale devices, for staff and parents (empty for others)."
    )
    async def devices(self, info: Info) -> list[Device]:
        actor = actor_of(info)
        try:
            found = await read(info, lambda s: devices.school_devices(s, actor))
        except DomainError:
            return []  # FORBIDDEN for teachers: the contract answers an empty list
        return [Device.from_view(d) for d in found]


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
        try:
            if child is None:
                raise NotFound("childId")
            await read(info, lambda s: family.child_for(s, actor, child))
        except DomainError as error:
            raise refused(info, error) from None

        async def snapshot() -> tuple[int, list[WalletEvent]]:
            position, views = await read(info, lambda s: wallets.wallet_snapshot(s, actor, child))
            return position, [WalletEvent.snapshot(v, position) for v in views]

        def on_event(payload: dict[str, object]) -> list[WalletEvent]:
            return [WalletEvent.from_payload(payload)]

        async for event in follow(
            info.context.runtime.pubsub, wallet_channel(child), snapshot, on_event
        ):
            yield event
            del event  # not kept while the subscription waits
