"""Wallets, their operations, top-ups and live balance events."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import strawberry

from graphql_runtime.public import known_or_loaded, loader, returns_known
from schema.access import actor_of, load_by_id, read
from schema.context import Info
from schema.enums import OperationType, PaymentMethod, Period
from schema.errors import UserError
from schema.ids import to_global_id
from schema.money import Money, money
from schema.node import Node
from schema.pagination import PageInfo
from services.banking import announcements
from services.sql.by_id import ViewerKey, batched_by_id
from services.sql.runtime import Runtime
from services.wallets import low_balance, topups, wallets
from services.wallets.settings import MoneySettings
from services.wallets.topups import TopUpView
from services.wallets.views import OperationView, Posted, WalletView


@strawberry.type
class Wallet(Node):
    db_id: strawberry.Private[int]
    name: str
    balance: Money
    structured_communication: str = strawberry.field(
        description="\"+++123/4567/89002+++\": pay to the school's account with it to top up; stable for the wallet's life."
    )

    @strawberry.field(description="The wallet's online top-ups with their status, latest first.")
    async def top_ups(self, info: Info, first: int = 10) -> list["TopUp"]:
        actor = actor_of(info)
        views = await read(info, lambda s: topups.wallet_top_ups(s, actor, self.db_id, first))
        return [TopUp.from_view(view) for view in views]

    @strawberry.field(
        description="Transfers announced by a parent, not yet on an imported statement."
    )
    async def pending_transfers(self, info: Info) -> list["PendingTransfer"]:
        actor = actor_of(info)
        views = await read(info, lambda s: announcements.pending_transfers(s, actor, self.db_id))
        return [PendingTransfer.from_view(view) for view in views]

    @strawberry.field(
        description="When the guardians are mailed about a low balance, and whether it is low now."
    )
    async def low_balance_alert(self, info: Info) -> "LowBalanceAlert":
        # The wallet was reached through the viewer's access checks: read its setting as is.
        found = await loader(info, _low_balance_alerts).load(self.db_id)
        assert found is not None
        return LowBalanceAlert.from_setting(found)

    @classmethod
    def from_view(cls, view: WalletView) -> "Wallet":
        return cls(
            id=to_global_id("Wallet", view.id),
            db_id=view.id,
            name=view.name,
            balance=money(view.balance_cents),
            structured_communication=view.structured_communication,
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
        return known_or_loaded(self.known_wallet, lambda: wallet_by_id(info, self.wallet_db_id))

    @classmethod
    def from_view(cls, view: OperationView, wallet: Wallet | None = None) -> "Operation":
        """`wallet`: the operation's wallet when it was read with it (no load then)."""
        return cls(
            id=to_global_id("Operation", view.id),
            db_id=view.id,
            wallet_db_id=view.wallet_id,
            known_wallet=wallet,
            at=view.at,
            type=view.type,
            method=view.method,
            amount=money(view.amount_cents),
            balance_after=money(view.balance_after_cents),
            label=view.label,
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
    status: str = strawberry.field(description="PENDING, then PAID, FAILED or EXPIRED.")
    checkout_url: str | None = strawberry.field(
        description="The payment page; POST it with outcome=paid (or failed) in the sandbox."
    )

    @classmethod
    def from_view(cls, view: TopUpView) -> "TopUp":
        return cls(
            id=to_global_id("TopUp", view.id),
            db_id=view.id,
            wallet=Wallet.from_view(view.wallet),
            amount=money(view.amount_cents),
            status=view.status.value,
            checkout_url=view.checkout_url,
        )


@strawberry.type
class PendingTransfer:
    id: strawberry.ID
    amount: Money
    announced_on: date

    @classmethod
    def from_view(cls, view: announcements.PendingTransferView) -> "PendingTransfer":
        return cls(
            id=strawberry.ID(to_global_id("PendingTransfer", view.id)),
            amount=money(view.amount_cents),
            announced_on=view.announced_on,
        )


@strawberry.type
class PendingTransferPayload:
    pending_transfer: PendingTransfer | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WalletEvent:
    wallet: Wallet
    balance: Money
    operation: Operation | None
    sequence: int

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "WalletEvent":
        """A walletChanged event from its payload alone (no database read per watcher)."""
        wallet = Wallet.from_view(WalletView.from_json(payload["wallet"]))
        operation = payload.get("operation")
        return cls(
            wallet=wallet,
            balance=wallet.balance,
            operation=(
                None
                if operation is None
                else Operation.from_view(OperationView.from_json(operation), wallet)
            ),
            sequence=int(payload["sequence"]),
        )

    @classmethod
    def snapshot(cls, view: WalletView, sequence: int) -> "WalletEvent":
        wallet = Wallet.from_view(view)
        return cls(wallet=wallet, balance=wallet.balance, operation=None, sequence=sequence)


@strawberry.type
class WalletSettings:
    wallet_count: int
    wallet_names: list[str]
    meal_wallet_slot: int = strawberry.field(description="1 or 2: the wallet meals are paid from.")
    top_up_min: Money
    top_up_max: Money

    @classmethod
    def from_view(cls, settings: MoneySettings) -> "WalletSettings":
        return cls(
            wallet_count=settings.wallet_count,
            wallet_names=list(settings.wallet_names[: settings.wallet_count]),
            meal_wallet_slot=settings.meal_wallet_slot,
            top_up_min=money(settings.top_up_min_cents),
            top_up_max=money(settings.top_up_max_cents),
        )


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

    @classmethod
    def from_posted(cls, posted: Posted) -> "OperationPayload":
        """A one-wallet movement (an adjustment, a bank transfer, a purchase, a refund)."""
        if not posted.wallets:  # a transfer that paid an invoice with nothing left over
            return cls()
        wallet = Wallet.from_view(posted.wallets[0])
        return cls(operation=Operation.from_view(posted.operations[0], wallet), wallet=wallet)


@strawberry.type
class WalletSettingsPayload:
    settings: WalletSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LowBalanceAlert:
    threshold: Money = strawberry.field(description="Below this, the guardians get one mail.")
    own_threshold: bool = strawberry.field(
        description="Set by a guardian (otherwise the school's default)."
    )
    enabled: bool
    below: bool = strawberry.field(description="The balance is below the threshold now.")

    @classmethod
    def from_setting(cls, setting: low_balance.AlertSetting) -> "LowBalanceAlert":
        return cls(
            threshold=money(setting.threshold_cents),
            own_threshold=setting.own_threshold,
            enabled=setting.enabled,
            below=setting.below,
        )


@strawberry.type
class LowBalanceAlertPayload:
    alert: LowBalanceAlert | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _low_balance_alerts(
    runtime: Runtime, wallet_ids: Sequence[int]
) -> list[low_balance.AlertSetting | None]:
    found = await runtime.transactions.read(lambda s: low_balance.alert_settings(s, wallet_ids))
    return [found.get(wallet_id) for wallet_id in wallet_ids]


async def _wallets(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[WalletView | None]:
    return await batched_by_id(runtime, keys, wallets.wallets_by_id)


async def _children_wallets(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[list[WalletView]]:
    found = await batched_by_id(runtime, keys, wallets.wallets_of_children)
    return [views or [] for views in found]


async def wallet_by_id(info: Info, wallet_id: int) -> Wallet:
    """A wallet reached through an operation or a sale (batched per operation)."""
    return Wallet.from_view(await load_by_id(info, _wallets, wallet_id))


async def child_wallets(info: Info, child_id: int) -> list[Wallet]:
    """A child's wallets (Child.wallets and its dashboard's: one read for both)."""
    views = await loader(info, _children_wallets).load((actor_of(info), child_id))
    return [Wallet.from_view(view) for view in views]
