"""Staff settings of the money domain: wallets per child, their names, top-up limits, and the
school's bank account (IBAN checked with schwifty) that transfers go to."""

from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import func, select, update
from sqlmodel import col

from models.db import dialect_insert
from models.family import School
from models.wallets import Wallet, WalletSettings
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.family.children import get_school, require_staff
from services.sql.uow import UnitOfWork
from services.wallets.settings import MoneySettings, create_school_wallets, money_settings

MAX_TOP_UP_CENTS = 1_000_000
MAX_WALLET_NAME = 50


@dataclass(frozen=True)
class SettingsChange:
    wallet_count: int | None = None
    wallet_names: tuple[str | None, str | None] = (None, None)
    meal_wallet_slot: int | None = None
    top_up_min_cents: int | None = None
    top_up_max_cents: int | None = None


def _given(value: int | None, current: int) -> int:
    return current if value is None else value


def _name(value: str | None, current: str, field: str) -> str:
    if value is None:
        return current
    value = value.strip()
    if not value or len(value) > MAX_WALLET_NAME:
        raise DomainError(ErrorCode.INVALID_INPUT, field)
    return value


async def update_money_settings(
    uow: UnitOfWork, actor: Actor, change: SettingsChange
) -> MoneySettings:
    """Change what is given; a second wallet appears for every child when the count goes to 2.

    Going back to one wallet is refused once second wallets exist (they may hold money).
    Renaming renames every existing wallet of that slot.
    """
    require_staff(actor)
    current = await money_settings(uow.session, actor.school_id)
    count = current.wallet_count if change.wallet_count is None else change.wallet_count
    if count not in (1, 2):
        raise DomainError(ErrorCode.INVALID_INPUT, "walletCount")
    if count < current.wallet_count and await _second_wallets_exist(uow, actor.school_id):
        raise DomainError(ErrorCode.INVALID_INPUT, "walletCount")
    names = (
        _name(change.wallet_names[0], current.wallet_names[0], "firstWalletName"),
        _name(change.wallet_names[1], current.wallet_names[1], "secondWalletName"),
    )
    meal_slot = _given(change.meal_wallet_slot, current.meal_wallet_slot)
    if meal_slot not in (1, 2) or meal_slot > count:
        raise DomainError(ErrorCode.INVALID_INPUT, "mealWalletSlot")
    low = _given(change.top_up_min_cents, current.top_up_min_cents)
    high = _given(change.top_up_max_cents, current.top_up_max_cents)
    if not 0 < low <= high <= MAX_TOP_UP_CENTS:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "topUpMinCents")

    values = {
        "wallet_count": count,
        "first_wallet_name": names[0],
        "second_wallet_name": names[1],
        "meal_wallet_slot": meal_slot,
        "top_up_min_cents": low,
        "top_up_max_cents": high,
        "updated_at": uow.now,
    }
    insert = dialect_insert(uow.dialect)
    await uow.session.execute(
        insert(WalletSettings)
        .values(school_id=actor.school_id, **values)
        .on_conflict_do_update(index_elements=["school_id"], set_=values)
    )
    for slot, name in enumerate(names, start=1):
        await uow.session.execute(
            update(Wallet)
            .where(col(Wallet.school_id) == actor.school_id, col(Wallet.slot) == slot)
            .values(name=name)
        )
    await create_school_wallets(uow, actor.school_id)
    return await money_settings(uow.session, actor.school_id)


async def _second_wallets_exist(uow: UnitOfWork, school_id: int) -> bool:
    count = await uow.session.scalar(
        select(func.count())
        .select_from(Wallet)
        .where(col(Wallet.school_id) == school_id, col(Wallet.slot) == 2)
    )
    return bool(count)


async def set_bank_account(
    uow: UnitOfWork, actor: Actor, *, iban: str, bic: str | None, holder: str
) -> School:
    """Where parents' transfers go. The BIC is derived from a Belgian IBAN when not given."""
    require_staff(actor)
    try:
        account = IBAN(iban)
    except SchwiftyException:
        raise DomainError(ErrorCode.INVALID_INPUT, "iban") from None
    try:
        bank_code = BIC(bic.strip()) if bic and bic.strip() else account.bic
    except SchwiftyException:
        raise DomainError(ErrorCode.INVALID_INPUT, "bic") from None
    holder = holder.strip()
    if not holder or len(holder) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "holder")
    school = await get_school(uow.session, actor.school_id)
    school.bank_iban = account.compact
    school.bank_bic = str(bank_code.compact) if bank_code is not None else None
    school.bank_holder = holder
    uow.session.add(school)
    await uow.session.flush()
    return school
