"""Wallets: who may reach which, transfers between a child's wallets, staff adjustments.

For other domains: `wallet_for` (access check, NOT_FOUND for another family's wallet),
`wallets_of_children` and `wallets_by_id` (batches, as far as the actor may see), `child_wallets`
(for services, after their own access check) and `paying_wallet(session, child_id, "meals")`
(the wallet a school's settings make pay for meals).
"""

import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.channels import ChannelSequence
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import actor_key, idempotent
from services.family.children import (
    accessible_child_ids,
    child_for,
    get_school,
    require_child_present,
    require_staff,
    viewer_kind,
    viewer_params,
    visible_children,
    visible_children_of,
)
from services.sql.column_reads import column_rows
from services.sql.uow import UnitOfWork, current_sequence
from services.wallets import ledger
from services.wallets.settings import money_settings
from services.wallets.views import WALLET_COLUMNS, Posted, WalletView, wallet_channel

MAX_REASON = 200


async def wallet_for(
    session: AsyncSession, actor: Actor, wallet_id: int, field: str = "walletId"
) -> WalletView:
    """The wallet, if the actor may reach its child; NOT_FOUND otherwise, as for a missing one."""
    row = await session.scalar(
        select(Wallet)
        .where(col(Wallet.id) == wallet_id, col(Wallet.school_id) == actor.school_id)
        .execution_options(populate_existing=True)
    )
    if row is None or not await accessible_child_ids(session, actor, [row.child_id]):
        raise NotFound(field)
    return WalletView.of(row)


async def wallet_to_act_on(
    session: AsyncSession, actor: Actor, wallet_id: int, field: str = "walletId"
) -> WalletView:
    """wallet_for, for a family's write (top-up, transfer...): CHILD_LEFT for a leaver's."""
    wallet = await wallet_for(session, actor, wallet_id, field)
    await require_child_present(session, actor, wallet.child_id)
    return wallet


async def require_open(session: AsyncSession, wallet_id: int, field: str = "walletId") -> None:
    """WALLET_CLOSED for a settled leaver's wallet: checked before asking a family to pay for
    money the ledger would then refuse."""
    closed_at = await session.scalar(
        select(col(Wallet.closed_at)).where(col(Wallet.id) == wallet_id)
    )
    if closed_at is not None:
        raise DomainError(ErrorCode.WALLET_CLOSED, field)


async def wallets_of_children(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int]
) -> dict[int, list[WalletView]]:
    """Each child's wallets in slot order; a child the actor may not see has none."""
    params = {**viewer_params(actor), "child_ids": list(child_ids)}
    return await _by_child(session, _visible_wallets_query(viewer_kind(actor)), params)


async def child_wallets(session: AsyncSession, child_id: int) -> list[WalletView]:
    """A child's wallets in slot order, for services that have checked access themselves."""
    found = await _by_child(session, _wallets_query(), {"child_ids": [child_id]})
    return found[child_id]


async def _by_child(
    session: AsyncSession, statement: Select[*tuple[Any, ...]], params: dict[str, Any]
) -> dict[int, list[WalletView]]:
    found: dict[int, list[WalletView]] = defaultdict(list)
    if params["child_ids"]:
        for row in await column_rows(session, statement, params):
            view = WalletView(*tuple(row))
            found[view.child_id].append(view)
    return found


@functools.cache
def _wallets_query() -> Select[*tuple[Any, ...]]:
    """The children's wallets, built once (the dashboard reads them on every load): the
    columns of a WalletView in its order, so no ORM object (nor a stale one of the session's
    identity map) is involved."""
    return (
        select(*WALLET_COLUMNS)
        .where(col(Wallet.child_id).in_(bindparam("child_ids", expanding=True)))
        .order_by(col(Wallet.child_id), col(Wallet.slot))
    )


@functools.cache
def _visible_wallets_query(whole_school: bool) -> Select[*tuple[Any, ...]]:
    """_wallets_query, only of the children the viewer (as parameters) may see."""
    return _wallets_query().where(col(Wallet.child_id).in_(visible_children_of(whole_school)))


async def wallets_by_id(
    session: AsyncSession, actor: Actor, wallet_ids: Sequence[int]
) -> dict[int, WalletView]:
    """These wallets, as far as the actor may reach their child (the others are left out)."""
    if not wallet_ids:
        return {}
    rows = await session.scalars(
        select(Wallet)
        .where(col(Wallet.id).in_(wallet_ids), col(Wallet.child_id).in_(visible_children(actor)))
        .execution_options(populate_existing=True)
    )
    return {view.id: view for view in map(WalletView.of, rows)}


async def wallet_snapshot(
    session: AsyncSession, actor: Actor, child_id: int
) -> tuple[int, list[WalletView]]:
    """The child's wallets and the position of its walletChanged channel, read by ONE statement
    (one snapshot on PostgreSQL too): no event is both in the snapshot and after it, or lost.
    NOT_FOUND unless the actor may see the child (checked again at each resync)."""
    await child_for(session, actor, child_id)
    channel = wallet_channel(child_id)
    position = (
        select(col(ChannelSequence.seq))
        .where(col(ChannelSequence.channel) == channel)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            select(Wallet, func.coalesce(position, 0))
            .where(col(Wallet.child_id) == child_id)
            .order_by(col(Wallet.slot))
            .execution_options(populate_existing=True)
        )
    ).all()
    if not rows:
        return await current_sequence(session, channel), []
    return int(rows[0][1]), [WalletView.of(wallet) for wallet, _ in rows]


async def paying_wallet(
    session: AsyncSession, child_id: int, purpose: Literal["meals"]
) -> WalletView:
    """The wallet the school's settings make pay for `purpose` (its first one by default)."""
    wallets = await child_wallets(session, child_id)
    if not wallets:
        raise NotFound("walletId")
    settings = await money_settings(session, wallets[0].school_id)
    slot = settings.meal_wallet_slot if purpose == "meals" else 1
    return next((w for w in wallets if w.slot == slot), wallets[0])


async def transfer(
    uow: UnitOfWork,
    actor: Actor,
    *,
    from_wallet_id: int,
    to_wallet_id: int,
    amount_cents: int,
    idempotency_key: str,
) -> Posted:
    """Move money between two wallets of one child (never between two children)."""
    source = await wallet_to_act_on(uow.session, actor, from_wallet_id, "fromWalletId")
    target = await wallet_to_act_on(uow.session, actor, to_wallet_id, "toWalletId")
    if source.child_id != target.child_id:
        raise DomainError(ErrorCode.DIFFERENT_CHILDREN, "toWalletId")
    if source.id == target.id:
        raise DomainError(ErrorCode.INVALID_INPUT, "toWalletId")
    if not (await get_school(uow.session, source.school_id)).feature_internal_transfer:
        raise DomainError(ErrorCode.FEATURE_DISABLED)
    if amount_cents <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")

    async def move() -> Posted:
        return await ledger.post(
            uow,
            method=PaymentMethod.INTERNAL,
            memo=f"Transfert {source.name} → {target.name}",
            wallet_legs=[
                ledger.WalletLeg(
                    source.id, -amount_cents, OperationType.TRANSFER_OUT, f"Vers {target.name}"
                ),
                ledger.WalletLeg(
                    target.id, amount_cents, OperationType.TRANSFER_IN, f"Depuis {source.name}"
                ),
            ],
        )

    return await idempotent(
        uow,
        scope="transferBetweenWallets",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"from": source.id, "to": target.id, "amount": amount_cents},
        work=move,
        encode=Posted.to_json,
        decode=Posted.from_json,
    )


async def adjust(
    uow: UnitOfWork,
    actor: Actor,
    *,
    wallet_id: int,
    amount_cents: int,
    reason: str,
    idempotency_key: str,
) -> Posted:
    """Staff correct a balance, up or down, saying why (the reason is the operation's label)."""
    require_staff(actor)
    wallet = await wallet_for(uow.session, actor, wallet_id)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise DomainError(ErrorCode.INVALID_INPUT, "reason")
    if amount_cents == 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")

    async def correct() -> Posted:
        return await ledger.post(
            uow,
            method=PaymentMethod.INTERNAL,
            memo=reason,
            wallet_legs=[
                ledger.WalletLeg(wallet.id, amount_cents, OperationType.ADJUSTMENT, reason)
            ],
            account_legs=[ledger.AccountLeg(SchoolAccount.ADJUSTMENTS, -amount_cents)],
        )

    return await idempotent(
        uow,
        scope="adjustWallet",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"wallet": wallet.id, "amount": amount_cents, "reason": reason},
        work=correct,
        encode=Posted.to_json,
        decode=Posted.from_json,
    )
