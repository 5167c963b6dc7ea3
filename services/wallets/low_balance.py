"""Low-balance alerts: when a debit takes a wallet below its threshold, its child's guardians
get one mail; not again for that wallet until its balance has been back at or above the
threshold, and never twice in one school day. Decided by conditional UPDATEs in the debit's
own transaction, so concurrent debits mail once."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.family import Child, School
from models.wallets import DEFAULT_LOW_BALANCE_CENTS, Wallet, WalletSettings
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.notify import send_mail
from services.common.school_time import local_today, zone
from services.family.children import child_for
from services.family.guardians import guardian_accounts
from services.sql.uow import UnitOfWork
from services.wallets.views import WalletView

MAX_THRESHOLD_CENTS = 100_000


def threshold() -> ColumnElement[int]:
    """The wallet's threshold in SQL: its own, else its school's, else the default."""
    school_default = (
        select(col(WalletSettings.low_balance_default_cents))
        .where(col(WalletSettings.school_id) == col(Wallet.school_id))
        .scalar_subquery()
    )
    return func.coalesce(
        col(Wallet.low_balance_alert_cents), school_default, DEFAULT_LOW_BALANCE_CENTS
    )


async def after_moves(
    uow: UnitOfWork, wallets: Sequence[WalletView], amounts: dict[int, int]
) -> None:
    """Called by the ledger for every journal transaction, once the balances have moved."""
    credited = [w.id for w in wallets if amounts.get(w.id, 0) > 0]
    if credited:
        await rearm(uow, credited)
    for wallet in wallets:
        if amounts.get(wallet.id, 0) < 0:
            await _alert_if_crossed(uow, wallet)


async def rearm(uow: UnitOfWork, wallet_ids: Sequence[int]) -> None:
    """Wallets back at or above their threshold may alert again."""
    await uow.session.execute(
        update(Wallet)
        .where(
            col(Wallet.id).in_(wallet_ids),
            col(Wallet.low_balance_alerted),
            col(Wallet.balance_cents) >= threshold(),
        )
        .values(low_balance_alerted=False)
        .execution_options(synchronize_session=False)
    )


async def _alert_if_crossed(uow: UnitOfWork, wallet: WalletView) -> None:
    school = await uow.session.get(School, wallet.school_id)
    assert school is not None
    today = local_today(uow.now, zone(school.timezone))
    claimed = (
        await uow.session.execute(
            update(Wallet)
            .where(
                col(Wallet.id) == wallet.id,
                ~col(Wallet.low_balance_alert_off),
                ~col(Wallet.low_balance_alerted),
                or_(
                    col(Wallet.low_balance_alerted_on).is_(None),
                    col(Wallet.low_balance_alerted_on) < today,
                ),
                col(Wallet.balance_cents) < threshold(),
            )
            .values(low_balance_alerted=True, low_balance_alerted_on=today)
            .returning(threshold())
            .execution_options(synchronize_session=False)
        )
    ).first()
    if claimed is None:
        return
    await _mail_guardians(uow, school, wallet, int(claimed[0]))


async def _mail_guardians(uow: UnitOfWork, school: School, wallet: WalletView, limit: int) -> None:
    child_name = await uow.session.scalar(
        select(col(Child.first_name)).where(col(Child.id) == wallet.child_id)
    )
    for user in await guardian_accounts(uow.session, wallet.child_id):
        await send_mail(
            uow,
            to=user.email,
            template="low_balance",
            locale=user.locale,
            school_id=school.id,
            context={
                "school_name": school.name,
                "display_name": user.display_name,
                "child_name": child_name or "",
                "wallet_name": wallet.name,
                "balance": wallet.balance_cents,
                "threshold": limit,
            },
        )


@dataclass(frozen=True)
class AlertSetting:
    wallet_id: int
    threshold_cents: int
    own_threshold: bool
    enabled: bool
    below: bool


async def alert_settings(
    session: AsyncSession, wallet_ids: Sequence[int]
) -> dict[int, AlertSetting]:
    rows = await session.execute(
        select(
            col(Wallet.id),
            threshold(),
            col(Wallet.low_balance_alert_cents),
            col(Wallet.low_balance_alert_off),
            col(Wallet.balance_cents),
        ).where(col(Wallet.id).in_(wallet_ids))
    )
    found: dict[int, AlertSetting] = {}
    for row in rows:
        values: tuple[Any, ...] = tuple(row)
        wallet_id, limit, own, off, balance = values
        found[int(wallet_id)] = AlertSetting(
            int(wallet_id), int(limit), own is not None, not off, balance < limit
        )
    return found


async def set_alert(
    uow: UnitOfWork,
    actor: Actor,
    wallet_id: int,
    *,
    threshold_cents: int | None,
    enabled: bool,
) -> AlertSetting:
    """A guardian's choice for one of their children's wallets: their own threshold (None: the
    school's) or no alert at all. Another family's wallet is NOT_FOUND."""
    wallet = await uow.session.get(Wallet, wallet_id)
    if wallet is None or wallet.school_id != actor.school_id or not actor.is_parent:
        raise NotFound("walletId")
    try:
        await child_for(uow.session, actor, wallet.child_id)
    except NotFound:
        raise NotFound("walletId") from None
    if threshold_cents is not None and not 0 <= threshold_cents <= MAX_THRESHOLD_CENTS:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "thresholdCents")
    await uow.session.execute(
        update(Wallet)
        .where(col(Wallet.id) == wallet_id)
        .values(low_balance_alert_cents=threshold_cents, low_balance_alert_off=not enabled)
        .execution_options(synchronize_session=False)
    )
    await rearm(uow, [wallet_id])
    return (await alert_settings(uow.session, [wallet_id]))[wallet_id]
