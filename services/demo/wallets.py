"""The demo school's money: wallets, devices, and a few weeks of history through the real services.

Every demo child ends with "Repas" at €50.00 and "Activités" at €20.00. demo.parent's and
demo.other's children get an online top-up (settled as the sandbox's webhook would), a bank
transfer, a transfer between their wallets and purchases at the three devices, dated in the past
weeks; load-test families get two bank transfers each. The devices' keys are fixed (README) so
that newcomers can try `recordSale`.
"""

from datetime import timedelta

from models.accounts import Role, User
from models.family import Child
from models.sales import Device, DeviceKind
from models.topups import TopUp
from payments.provider import PaymentEvent, PaymentStatus
from payments.registry import Payments
from payments.sandbox import SandboxProvider
from services.accounts.actor import Actor
from services.accounts.tokens import digest
from services.demo.school import DemoSchool
from services.sql.uow import UnitOfWork
from services.wallets import bank_transfers, sales, topups, wallets
from services.wallets.devices import DeviceActor
from services.wallets.settings import create_wallets
from services.wallets.views import WalletView

DEVICES = {
    DeviceKind.VENDING: ("Distributeur du préau", "demo-vending-key"),
    DeviceKind.CANTEEN: ("Caisse de la cantine", "demo-canteen-key"),
    DeviceKind.SHOP: ("Boutique de l'école", "demo-shop-key"),
}


def _actor(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.school_id, Role(user.role), user.locale)


def _days_ago(uow: UnitOfWork, days: int) -> UnitOfWork:
    """The same transaction with its clock set back: history dated in the past weeks."""
    return UnitOfWork(uow.session, uow.settings, uow.now - timedelta(days=days), uow.outbox)


async def _devices(uow: UnitOfWork, school_id: int) -> dict[DeviceKind, DeviceActor]:
    found = {}
    for kind, (name, key) in DEVICES.items():
        row = Device(
            school_id=school_id, name=name, kind=kind, key_hash=digest(key), created_at=uow.now
        )
        uow.session.add(row)
        await uow.session.flush()
        assert row.id is not None
        found[kind] = DeviceActor(row.id, school_id, name, kind)
    return found


async def _wallets(uow: UnitOfWork, child: Child) -> tuple[WalletView, WalletView]:
    assert child.id is not None
    meals, activities = await wallets.child_wallets(uow.session, child.id)
    return meals, activities


async def _bank_transfer(
    uow: UnitOfWork, staff: Actor, wallet: WalletView, cents: int, days: int
) -> None:
    when = _days_ago(uow, days)
    await bank_transfers.record_bank_transfer(
        when,
        staff,
        communication_text=wallet.structured_communication,
        amount_cents=cents,
        bank_reference=f"DEMO-{wallet.id}-{days}",
        value_date=when.now.date(),
    )


async def _online_top_up(
    uow: UnitOfWork, parent: Actor, payments: Payments, wallet: WalletView, cents: int, days: int
) -> None:
    when = _days_ago(uow, days)
    top_up = await topups.start_online_top_up(
        when,
        parent,
        payments,
        wallet_id=wallet.id,
        amount_cents=cents,
        idempotency_key=f"demo-top-up-{wallet.id}",
    )
    row = await uow.session.get(TopUp, top_up.id)
    assert row is not None and row.provider_payment_id is not None
    paid = PaymentEvent(
        event_id=f"evt_demo_{top_up.id}",
        payment_id=row.provider_payment_id,
        status=PaymentStatus.PAID,
        amount_cents=cents,
        currency=topups.CURRENCY,
        reference=f"topup:{top_up.id}",
    )
    await topups.settle_payment(when, row.provider, paid)


async def _history(
    uow: UnitOfWork,
    parent: Actor,
    staff: Actor,
    payments: Payments,
    devices: dict[DeviceKind, DeviceActor],
    child: Child,
) -> None:
    assert child.id is not None
    meals, activities = await _wallets(uow, child)
    await _online_top_up(uow, parent, payments, meals, 4500, days=26)
    await _bank_transfer(uow, staff, activities, 3000, days=22)
    await wallets.transfer(
        _days_ago(uow, 18),
        parent,
        from_wallet_id=activities.id,
        to_wallet_id=meals.id,
        amount_cents=750,
        idempotency_key=f"demo-transfer-{child.id}",
    )
    purchases = (
        (14, DeviceKind.CANTEEN, meals, "Potage du jour", 1, 250),
        (10, DeviceKind.VENDING, activities, "Jus d'orange", 2, 60),
        (6, DeviceKind.SHOP, activities, "Cahier A4", 1, 130),
    )
    for days, kind, wallet, article, quantity, price in purchases:
        await sales.record_sale(
            _days_ago(uow, days),
            devices[kind],
            child_id=child.id,
            wallet_id=wallet.id,
            lines=[sales.SaleLine(article, quantity, price)],
            idempotency_key=f"demo-sale-{child.id}-{days}",
        )


async def seed_wallets(uow: UnitOfWork, demo: DemoSchool) -> None:
    assert demo.school.id is not None
    school_id = demo.school.id
    await create_wallets(uow, school_id, [c.id for c in demo.all_children if c.id is not None])
    staff = _actor(demo.staff)
    devices = await _devices(uow, school_id)
    settings = uow.settings
    sandbox = SandboxProvider.from_settings(
        settings.secret_key, settings.public_url, settings.clock
    )
    payments = Payments(settings.public_url, default=sandbox, providers={sandbox.name: sandbox})
    for parent, children in ((demo.parent, demo.children), (demo.other, demo.other_children)):
        for child in children:
            await _history(uow, _actor(parent), staff, payments, devices, child)
    for child in demo.family_children:
        meals, activities = await _wallets(uow, child)
        await _bank_transfer(uow, staff, meals, 5000, days=20)
        await _bank_transfer(uow, staff, activities, 2000, days=15)
