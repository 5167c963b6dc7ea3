"""Point-of-sale devices and the sales journal."""

from datetime import date, datetime

import strawberry

from graphql_runtime.public import known_or_loaded, returns_known
from schema.context import Info
from schema.errors import UserError
from schema.money import Money
from schema.node import Node
from schema.pagination import PageInfo
from schema.wallets import Operation, Period, Wallet


@strawberry.type
class Device(Node):
    db_id: strawberry.Private[int]
    name: str
    kind: str = strawberry.field(description="vending, canteen or shop.")


@strawberry.type
class Sale(Node):
    db_id: strawberry.Private[int]
    wallet_db_id: strawberry.Private[int]
    device_db_id: strawberry.Private[int]
    at: datetime
    article: str
    quantity: int
    amount: Money
    # Already read with the sale (the dashboard's lists): no lookup needed.
    known_device: strawberry.Private[Device | None] = None
    known_wallet: strawberry.Private[Wallet | None] = None

    @strawberry.field
    @returns_known("known_device")
    def device(self, info: Info) -> Device:
        return known_or_loaded(
            self.known_device, lambda: info.context.api.wallets.device(info, self.device_db_id)
        )

    @strawberry.field
    @returns_known("known_wallet")
    def wallet(self, info: Info) -> Wallet:
        return known_or_loaded(
            self.known_wallet, lambda: info.context.api.wallets.wallet(info, self.wallet_db_id)
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
