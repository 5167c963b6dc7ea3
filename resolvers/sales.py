"""Point-of-sale mutations: staff manage devices and refund; a device records sales."""

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, device_of, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.sales import Device, DevicePayload, Sale, SaleLineInput, SalePayload
from schema.wallets import OperationPayload
from services.wallets import devices, sales


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Staff: add a device; its key is in the answer, this once.")
    @catches_user_errors(DevicePayload)
    async def create_device(self, info: Info, name: str, kind: str) -> DevicePayload:
        actor = actor_of(info)
        view, key = await run(
            info, lambda uow: devices.create_device(uow, actor, name=name, kind=kind)
        )
        return DevicePayload(device=Device.from_view(view), key=key)

    @strawberry.mutation(description="Staff: the device's key stops working.")
    @catches_user_errors(DevicePayload)
    async def revoke_device(self, info: Info, device_id: strawberry.ID) -> DevicePayload:
        actor = actor_of(info)
        device = require_id(device_id, "Device", "deviceId")
        view = await run(info, lambda uow: devices.revoke_device(uow, actor, device))
        return DevicePayload(device=Device.from_view(view))

    @strawberry.mutation(
        description="Device: debit the wallet for every line at once, or refuse it whole."
    )
    @catches_user_errors(SalePayload)
    async def record_sale(
        self,
        info: Info,
        child_id: strawberry.ID,
        wallet_id: strawberry.ID,
        lines: list[SaleLineInput],
        idempotency_key: str,
    ) -> SalePayload:
        device = device_of(info)
        child = require_id(child_id, "Child", "childId")
        wallet = require_id(wallet_id, "Wallet", "walletId")
        wanted = [sales.SaleLine(x.article, x.quantity, x.unit_price_cents) for x in lines]
        purchase = await run(
            info,
            lambda uow: sales.record_sale(
                uow,
                device,
                child_id=child,
                wallet_id=wallet,
                lines=wanted,
                idempotency_key=idempotency_key,
            ),
        )
        paid = OperationPayload.from_posted(purchase.posted)
        # A device reads nothing but its own sales' payload: their wallet and device are known.
        till = Device.from_view(device)
        return SalePayload(
            sales=[Sale.from_view(s, paid.wallet, till) for s in purchase.sales],
            operation=paid.operation,
            wallet=paid.wallet,
        )

    @strawberry.mutation(description="Staff: give back a whole purchase (every line of it).")
    @catches_user_errors(OperationPayload)
    async def refund_sale(
        self, info: Info, sale_id: strawberry.ID, idempotency_key: str
    ) -> OperationPayload:
        actor = actor_of(info)
        sale = require_id(sale_id, "Sale", "saleId")
        posted = await run(
            info,
            lambda uow: sales.refund_sale(
                uow, actor, sale_id=sale, idempotency_key=idempotency_key
            ),
        )
        return OperationPayload.from_posted(posted)
