"""Money values from services to contract types (and live event payloads to WalletEvent)."""

from typing import Any

from schema.ids import to_global_id
from schema.money import money
from schema.sales import Device, Sale
from schema.wallets import (
    Operation,
    TopUp,
    Wallet,
    WalletEvent,
    WalletSettings,
)
from services.wallets.devices import DeviceView
from services.wallets.sales import SaleView
from services.wallets.settings import MoneySettings
from services.wallets.topups import TopUpView
from services.wallets.views import OperationView, WalletView


def wallet_type(view: WalletView) -> Wallet:
    return Wallet(
        id=to_global_id("Wallet", view.id),
        db_id=view.id,
        name=view.name,
        balance=money(view.balance_cents),
        structured_communication=view.structured_communication,
    )


def operation_type(view: OperationView, wallet: Wallet | None = None) -> Operation:
    return Operation(
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


def top_up_type(view: TopUpView) -> TopUp:
    return TopUp(
        id=to_global_id("TopUp", view.id),
        db_id=view.id,
        wallet=wallet_type(view.wallet),
        amount=money(view.amount_cents),
        status=view.status.value,
        checkout_url=view.checkout_url,
    )


def sale_type(view: SaleView, wallet: Wallet | None = None, device: Device | None = None) -> Sale:
    return Sale(
        id=to_global_id("Sale", view.id),
        db_id=view.id,
        wallet_db_id=view.wallet_id,
        device_db_id=view.device_id,
        at=view.at,
        article=view.article,
        quantity=view.quantity,
        amount=money(view.amount_cents),
        known_device=device,
        known_wallet=wallet,
    )


def device_type(view: DeviceView) -> Device:
    return Device(
        id=to_global_id("Device", view.id), db_id=view.id, name=view.name, kind=view.kind.value
    )


def settings_type(settings: MoneySettings) -> WalletSettings:
    return WalletSettings(
        wallet_count=settings.wallet_count,
        wallet_names=list(settings.wallet_names[: settings.wallet_count]),
        meal_wallet_slot=settings.meal_wallet_slot,
        top_up_min=money(settings.top_up_min_cents),
        top_up_max=money(settings.top_up_max_cents),
    )


def wallet_event(payload: dict[str, Any]) -> WalletEvent:
    """A walletChanged event from its payload alone (no database read per watcher)."""
    wallet = wallet_type(WalletView.from_json(payload["wallet"]))
    operation = payload.get("operation")
    return WalletEvent(
        wallet=wallet,
        balance=wallet.balance,
        operation=(
            None
            if operation is None
            else operation_type(OperationView.from_json(operation), wallet)
        ),
        sequence=int(payload["sequence"]),
    )


def snapshot_event(view: WalletView, sequence: int) -> WalletEvent:
    wallet = wallet_type(view)
    return WalletEvent(wallet=wallet, balance=wallet.balance, operation=None, sequence=sequence)
