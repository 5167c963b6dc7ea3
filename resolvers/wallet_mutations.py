"""Money mutations of parents and staff: top-ups, transfers, bank transfers, adjustments, settings."""

from datetime import date

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.schools import School, SchoolPayload
from schema.wallets import (
    LowBalanceAlert,
    LowBalanceAlertPayload,
    OperationPayload,
    TopUp,
    TopUpPayload,
    TransferPayload,
    Wallet,
    WalletSettings,
    WalletSettingsPayload,
)
from services.wallets import bank_transfers, low_balance, topups, wallets
from services.wallets import settings_changes as wallet_settings


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="A guardian's low-balance alert for one of their children's wallets: their own threshold (null: the school's), or off."
    )
    @catches_user_errors(LowBalanceAlertPayload)
    async def set_low_balance_alert(
        self,
        info: Info,
        wallet_id: strawberry.ID,
        enabled: bool,
        threshold_cents: int | None = None,
    ) -> LowBalanceAlertPayload:
        actor = actor_of(info)
        wallet = require_id(wallet_id, "Wallet", "walletId")
        setting = await run(
            info,
            lambda uow: low_balance.set_alert(
                uow, actor, wallet, threshold_cents=threshold_cents, enabled=enabled
            ),
        )
        return LowBalanceAlertPayload(alert=LowBalanceAlert.from_setting(setting))

    @strawberry.mutation(
        description="Start paying a top-up online: follow `checkoutUrl`; the wallet is credited when the payment provider confirms."
    )
    @catches_user_errors(TopUpPayload)
    async def start_online_top_up(
        self, info: Info, wallet_id: strawberry.ID, amount_cents: int, idempotency_key: str
    ) -> TopUpPayload:
        actor = actor_of(info)
        wallet = require_id(wallet_id, "Wallet", "walletId")
        payments = info.context.runtime.payments
        view = await run(
            info,
            lambda uow: topups.start_online_top_up(
                uow,
                actor,
                payments,
                wallet_id=wallet,
                amount_cents=amount_cents,
                idempotency_key=idempotency_key,
            ),
        )
        return TopUpPayload(top_up=TopUp.from_view(view))

    @strawberry.mutation(description="Between two wallets of the same child only.")
    @catches_user_errors(TransferPayload)
    async def transfer_between_wallets(
        self,
        info: Info,
        from_wallet_id: strawberry.ID,
        to_wallet_id: strawberry.ID,
        amount_cents: int,
        idempotency_key: str,
    ) -> TransferPayload:
        actor = actor_of(info)
        source = require_id(from_wallet_id, "Wallet", "fromWalletId")
        target = require_id(to_wallet_id, "Wallet", "toWalletId")
        posted = await run(
            info,
            lambda uow: wallets.transfer(
                uow,
                actor,
                from_wallet_id=source,
                to_wallet_id=target,
                amount_cents=amount_cents,
                idempotency_key=idempotency_key,
            ),
        )
        return TransferPayload(
            from_=Wallet.from_view(posted.wallet(source)),
            to=Wallet.from_view(posted.wallet(target)),
        )

    @strawberry.mutation(
        description="Staff: credit the wallet a received transfer's structured communication names, once per bank reference."
    )
    @catches_user_errors(OperationPayload)
    async def record_bank_transfer(
        self,
        info: Info,
        communication: str,
        amount_cents: int,
        bank_reference: str,
        value_date: date,
    ) -> OperationPayload:
        actor = actor_of(info)
        posted = await run(
            info,
            lambda uow: bank_transfers.record_bank_transfer(
                uow,
                actor,
                communication_text=communication,
                amount_cents=amount_cents,
                bank_reference=bank_reference,
                value_date=value_date,
            ),
        )
        return OperationPayload.from_posted(posted)

    @strawberry.mutation(
        description="Staff: correct a balance up (positive) or down, with a reason."
    )
    @catches_user_errors(OperationPayload)
    async def adjust_wallet(
        self,
        info: Info,
        wallet_id: strawberry.ID,
        amount_cents: int,
        reason: str,
        idempotency_key: str,
    ) -> OperationPayload:
        actor = actor_of(info)
        wallet = require_id(wallet_id, "Wallet", "walletId")
        posted = await run(
            info,
            lambda uow: wallets.adjust(
                uow,
                actor,
                wallet_id=wallet,
                amount_cents=amount_cents,
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )
        return OperationPayload.from_posted(posted)

    @strawberry.mutation(description="Staff: wallets per child, their names, top-up limits.")
    @catches_user_errors(WalletSettingsPayload)
    async def update_wallet_settings(
        self,
        info: Info,
        wallet_count: int | None = None,
        first_wallet_name: str | None = None,
        second_wallet_name: str | None = None,
        meal_wallet_slot: int | None = None,
        top_up_min_cents: int | None = None,
        top_up_max_cents: int | None = None,
    ) -> WalletSettingsPayload:
        actor = actor_of(info)
        change = wallet_settings.SettingsChange(
            wallet_count=wallet_count,
            wallet_names=(first_wallet_name, second_wallet_name),
            meal_wallet_slot=meal_wallet_slot,
            top_up_min_cents=top_up_min_cents,
            top_up_max_cents=top_up_max_cents,
        )
        settings = await run(
            info, lambda uow: wallet_settings.update_money_settings(uow, actor, change)
        )
        return WalletSettingsPayload(settings=WalletSettings.from_view(settings))

    @strawberry.mutation(description="Staff: the account parents transfer to (IBAN checked).")
    @catches_user_errors(SchoolPayload)
    async def set_school_bank_account(
        self, info: Info, iban: str, holder: str, bic: str | None = None
    ) -> SchoolPayload:
        actor = actor_of(info)
        school = await run(
            info,
            lambda uow: wallet_settings.set_bank_account(
                uow, actor, iban=iban, bic=bic, holder=holder
            ),
        )
        return SchoolPayload(school=School.from_view(school))
