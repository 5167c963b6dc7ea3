"""The latest operations and purchases of several children at once (the dashboard's lists).

Each list is one statement whatever the number of children, and carries what a parent sees of
each item (its wallet, the device of a sale), so showing them needs no further query. Unlike
the journals of wallet_history, there is no period: the latest ones, however old.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.ledger import Posting
from models.sales import Device, Sale
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.family.children import viewer_kind, viewer_params, visible_children_of
from services.sql.per_child import CHILD_IDS, first_rows_per_child, per_child, ranked
from services.wallets.devices import DEVICE_COLUMNS, DeviceView
from services.wallets.sales import SALE_COLUMNS, SaleView
from services.wallets.views import OPERATION_COLUMNS, WALLET_COLUMNS, OperationView, WalletView


@dataclass(frozen=True)
class RecentOperation:
    operation: OperationView
    wallet: WalletView


@dataclass(frozen=True)
class RecentSale:
    sale: SaleView
    wallet: WalletView
    device: DeviceView


async def recent_operations(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int], limit: int = 5
) -> dict[int, list[RecentOperation]]:
    """For each of these children: their wallets' latest movements, newest first (time, then
    id, as in Child.operations), at most `limit` each, with the wallet of each. Children the
    actor may not see get an empty list."""
    statement = _operations_statement(viewer_kind(actor))
    rows = await first_rows_per_child(session, child_ids, statement, limit, viewer_params(actor))
    split = len(OPERATION_COLUMNS)
    return {
        child_id: [
            RecentOperation(OperationView.of_values(*row[:split]), WalletView(*row[split:]))
            for row in found
        ]
        for child_id, found in rows.items()
    }


async def recent_sales(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int], limit: int = 5
) -> dict[int, list[RecentSale]]:
    """For each of these children: what they bought last, newest first (time, then id, as in
    Child.sales), at most `limit` lines each, with the wallet and device of each."""
    statement = _sales_statement(viewer_kind(actor))
    rows = await first_rows_per_child(session, child_ids, statement, limit, viewer_params(actor))
    sale, wallet = len(SALE_COLUMNS), len(SALE_COLUMNS) + len(WALLET_COLUMNS)
    return {
        child_id: [
            RecentSale(
                SaleView(*row[:sale]),
                WalletView(*row[sale:wallet]),
                DeviceView.of_values(*row[wallet:]),
            )
            for row in found
        ]
        for child_id, found in rows.items()
    }


@functools.cache
def _operations_statement(whole_school: bool) -> Select[Any]:
    candidates = ranked(
        col(Posting.child_id), col(Posting.id), (col(Posting.at).desc(), col(Posting.id).desc())
    ).where(
        col(Posting.child_id).in_(CHILD_IDS),
        col(Posting.child_id).in_(visible_children_of(whole_school)),
    )
    return per_child(
        candidates,
        Posting,
        (Wallet, col(Wallet.id) == col(Posting.wallet_id)),
        columns=(*OPERATION_COLUMNS, *WALLET_COLUMNS),
    )


@functools.cache
def _sales_statement(whole_school: bool) -> Select[Any]:
    candidates = ranked(
        col(Sale.child_id), col(Sale.id), (col(Sale.at).desc(), col(Sale.id).desc())
    ).where(
        col(Sale.child_id).in_(CHILD_IDS),
        col(Sale.child_id).in_(visible_children_of(whole_school)),
    )
    return per_child(
        candidates,
        Sale,
        (Wallet, col(Wallet.id) == col(Sale.wallet_id)),
        (Device, col(Device.id) == col(Sale.device_id)),
        columns=(*SALE_COLUMNS, *WALLET_COLUMNS, *DEVICE_COLUMNS),
    )
