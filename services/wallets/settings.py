"""Each school's wallet settings (defaults when it has none) and creating children's wallets.

Kept apart from services/wallets.py so that services/family.py can create a new child's
wallets without importing the rest of the money domain.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.db import dialect_insert
from models.family import Child
from models.wallets import (
    DEFAULT_TOP_UP_MAX_CENTS,
    DEFAULT_TOP_UP_MIN_CENTS,
    DEFAULT_WALLET_NAMES,
    Wallet,
    WalletSettings,
)
from services.accounts.actor import Actor
from services.sql.uow import UnitOfWork

CHUNK = 1000


@dataclass(frozen=True)
class MoneySettings:
    school_id: int
    wallet_count: int = 2
    wallet_names: tuple[str, str] = DEFAULT_WALLET_NAMES
    meal_wallet_slot: int = 1
    top_up_min_cents: int = DEFAULT_TOP_UP_MIN_CENTS
    top_up_max_cents: int = DEFAULT_TOP_UP_MAX_CENTS

    @classmethod
    def of(cls, row: WalletSettings) -> "MoneySettings":
        return cls(
            school_id=row.school_id,
            wallet_count=row.wallet_count,
            wallet_names=(row.first_wallet_name, row.second_wallet_name),
            meal_wallet_slot=min(row.meal_wallet_slot, row.wallet_count),
            top_up_min_cents=row.top_up_min_cents,
            top_up_max_cents=row.top_up_max_cents,
        )


async def money_settings(session: AsyncSession, school_id: int) -> MoneySettings:
    row = await session.get(WalletSettings, school_id)
    return MoneySettings(school_id) if row is None else MoneySettings.of(row)


async def settings_for(session: AsyncSession, actor: Actor) -> MoneySettings:
    """The settings of the actor's school (everyone there reads them: they shape the forms)."""
    return await money_settings(session, actor.school_id)


async def create_wallets(uow: UnitOfWork, school_id: int, child_ids: Sequence[int]) -> None:
    """Give these children of the school the wallets its settings ask for.

    Idempotent and safe under concurrency: a (child, slot) that exists is left alone (the
    unique constraint decides), so a child never has two wallets in one slot.
    """
    if not child_ids:
        return
    settings = await money_settings(uow.session, school_id)
    rows = [
        {
            "school_id": school_id,
            "child_id": child_id,
            "slot": slot,
            "name": settings.wallet_names[slot - 1],
            "balance_cents": 0,
            "created_at": uow.now,
        }
        for child_id in child_ids
        for slot in range(1, settings.wallet_count + 1)
    ]
    insert = dialect_insert(uow.dialect)
    # Chunks stay under SQLite's limit on bound parameters.
    for start in range(0, len(rows), CHUNK):
        await uow.session.execute(
            insert(Wallet)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["child_id", "slot"])
        )


async def create_school_wallets(uow: UnitOfWork, school_id: int) -> None:
    """Wallets for every child of the school who lacks one (after the settings changed)."""
    ids = (
        await uow.session.scalars(select(col(Child.id)).where(col(Child.school_id) == school_id))
    ).all()
    await create_wallets(uow, school_id, [int(i) for i in ids if i is not None])
