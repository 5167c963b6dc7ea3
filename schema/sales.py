"""Point-of-sale devices and the sales journal."""

from collections.abc import Sequence
from datetime import date, datetime

import strawberry

from graphql_runtime.public import known_or_loaded, returns_known
from schema.access import load_by_id
from schema.context import Info
from schema.enums import Period
from schema.errors import UserError
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from schema.pagination import PageInfo
from schema.wallets import Operation, Wallet, wallet_by_id
from services.sql.by_id import ViewerKey, batched_by_id
from services.sql.runtime import Runtime
from services.wallets import devices
from services.wallets.devices import DeviceActor, DeviceView
from services.wallets.sales import SaleView


@strawberry.type
class Device(Node):
    db_id: strawberry.Private[int]
    name: str
    kind: str = strawberry.field(description="vending, canteen or shop.")

    @classmethod
    def from_view(cls, view: DeviceView | DeviceActor) -> "Device":
        """From a device read, or from the device making the request."""
        db_id = view.id if isinstance(view, DeviceView) else view.device_id
        return cls(
            id=to_global_id("Device", db_id), db_id=db_id, name=view.name, kind=view.kind.value
        )


@strawberry.type
class Sale(Node):
    db_id: strawberry.Private[int]
    wallet_db_id: strawberry.Private[int]
    device_db_id: strawberry.Private[int]
    at: datetime
    article: str
    quantity: int
    amount: Money
    refunded: bool = strawberry.field(
        description="Staff gave the whole purchase back (its refund is in the operations)."
    )
    refunded_at: datetime | None = strawberry.field(description="When it was refunded.")
    # Already read with the sale (the dashboard's lists): no lookup needed.
    known_device: strawberry.Private[Device | None] = None
    known_wallet: strawberry.Private[Wallet | None] = None

    @strawberry.field
    @returns_known("known_device")
    def device(self, info: Info) -> Device:
        return known_or_loaded(self.known_device, lambda: device_by_id(info, self.device_db_id))

    @strawberry.field
    @returns_known("known_wallet")
    def wallet(self, info: Info) -> Wallet:
        return known_or_loaded(self.known_wallet, lambda: wallet_by_id(info, self.wallet_db_id))

    @classmethod
    def from_view(
        cls, view: SaleView, wallet: Wallet | None = None, device: Device | None = None
    ) -> "Sale":
        """`wallet`, `device`: those of the sale when they were read with it (no load then)."""
        return cls(
            id=to_global_id("Sale", view.id),
            db_id=view.id,
            wallet_db_id=view.wallet_id,
            device_db_id=view.device_id,
            at=view.at,
            article=view.article,
            quantity=view.quantity,
            amount=money(view.amount_cents),
            refunded=view.refunded,
            refunded_at=view.refunded_at,
            known_device=device,
            known_wallet=wallet,
        )


@strawberry.type
class SaleEdge:
    node: Sale
    cursor: str


@strawberry.type
class SaleConnection:
    edges: list[SaleEdge]
    page_info: PageInfo


@strawberry.input(description="`search`: part of the article's name, case and accents ignored.")
class SaleFilter:
    period: Period | None = None
    from_: date | None = strawberry.field(name="from", default=None)
    to: date | None = None
    wallet_id: strawberry.ID | None = None
    device_id: strawberry.ID | None = None
    search: str | None = None


@strawberry.input
class SaleLineInput:
    article: str
    quantity: int
    unit_price_cents: int


@strawberry.type
class SalePayload:
    sales: list[Sale] = strawberry.field(default_factory=list)
    operation: Operation | None = None
    wallet: Wallet | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DevicePayload:
    device: Device | None = None
    key: str | None = strawberry.field(
        default=None,
        description="Shown once: the device sends `Authorization: Device <key>`.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _devices(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[DeviceView | None]:
    return await batched_by_id(runtime, keys, devices.devices_by_id)


async def device_by_id(info: Info, device_id: int) -> Device:
    """A device reached through a sale (batched per operation)."""
    return Device.from_view(await load_by_id(info, _devices, device_id))
