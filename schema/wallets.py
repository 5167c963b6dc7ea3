"""Wallets, their operations, top-ups and live balance events."""

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_runtime.public import known_or_loaded, returns_known
from schema.context import Info
from schema.errors import UserError
from schema.money import Money
from schema.node import Node
from schema.pagination import PageInfo

if TYPE_CHECKING:
    from schema.family import School


@strawberry.enum
class OperationType(Enum):
    TOP_UP = "TOP_UP"
    MEAL = "MEAL"
    MEAL_REFUND = "MEAL_REFUND"
    PURCHASE = "PURCHASE"
    INVOICE_PAYMENT = "INVOICE_PAYMENT"
    TRANSFER_IN = "TRANSFER_IN"
    TRANSFER_OUT = "TRANSFER_OUT"
    ADJUSTMENT = "ADJUSTMENT"
    PURCHASE_REFUND = "PURCHASE_REFUND"


@strawberry.enum
class PaymentMethod(Enum):
    ONLINE = "ONLINE"
    BANK_TRANSFER = "BANK_TRANSFER"
    INTERNAL = "INTERNAL"
    WALLET = "WALLET"
    POS = "POS"


@strawberry.enum(
    description="Presets in the school's time zone; the school year starts on 1 September."
)
class Period(Enum):
    TODAY = "TODAY"
    YESTERDAY = "YESTERDAY"
    LAST_7_DAYS = "LAST_7_DAYS"
    LAST_30_DAYS = "LAST_30_DAYS"
    THIS_MONTH = "THIS_MONTH"
    LAST_MONTH = "LAST_MONTH"
    THIS_SCHOOL_YEAR = "THIS_SCHOOL_YEAR"


@strawberry.type
class Wallet(Node):
    db_id: strawberry.Private[int]
    name: str
    balance: Money
    structured_communication: str = strawberry.field(
        description="\"+++123/4567/89002+++\": pay to the school's account with it to top up; stable for the wallet's life."
    )


@strawberry.type
class Operation(Node):
    db_id: strawberry.Private[int]
    wallet_db_id: strawberry.Private[int]
    known_wallet: strawberry.Private[Wallet | None]
    at: datetime
    type: OperationType
    method: PaymentMethod
    amount: Money = strawberry.field(description="Signed, as seen from the wallet.")
    balance_after: Money
    label: str

    @strawberry.field
    @returns_known("known_wallet")
    def wallet(self, info: Info) -> Wallet:
        return known_or_loaded(
            self.known_wallet, lambda: info.context.api.wallets.wallet(info, self.wallet_db_id)
        )


@strawberry.type
class OperationEdge:
    node: Operation
    cursor: str


@strawberry.type
class OperationConnection:
    edges: list[OperationEdge]
    page_info: PageInfo


@strawberry.input(
    description="A custom `from`/`to` (inclusive days) wins over `period`; neither: the last 30 days."
)
class OperationFilter:
    period: Period | None = None
    from_: date | None = strawberry.field(name="from", default=None)
    to: date | None = None
    wallet_id: strawberry.ID | None = None
    type: OperationType | None = None
    method: PaymentMethod | None = None


@strawberry.type
class TopUp(Node):
    db_id: strawberry.Private[int]
    wallet: Wallet
    amount: Money
    status: str = strawberry.field(description="PENDING, then PAID or FAILED.")
    checkout_url: str | None = strawberry.field(
        description="The payment page; POST it with outcome=paid (or failed) in the sandbox."
    )


@strawberry.type
class WalletEvent:
    wallet: Wallet
    balance: Money
    operation: Operation | None
    sequence: int


@strawberry.type
class WalletSettings:
    wallet_count: int
    wallet_names: list[str]
    meal_wallet_slot: int = strawberry.field(description="1 or 2: the wallet meals are paid from.")
    top_up_min: Money
    top_up_max: Money


@strawberry.type
class TopUpPayload:
    top_up: TopUp | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TransferPayload:
    from_: Wallet | None = strawberry.field(name="from", default=None)
    to: Wallet | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OperationPayload:
    operation: Operation | None = None
    wallet: Wallet | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WalletSettingsPayload:
    settings: WalletSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SchoolPayload:
    school: Annotated["School", strawberry.lazy("schema.family")] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
