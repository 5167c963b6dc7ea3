"""A school with staff and families, and statement imports as the upload route runs them."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role
from models.banking import BankStatementLine
from models.family import School
from services.banking.importing import ImportResult, import_statement_file
from services.banking.receipts import mail_pending_receipts
from services.common.errors import DomainError
from services.sql.uow import Transactions
from services.wallets.views import WalletView
from tests.factories import Family, Person, actor_for, make_family, make_school, make_user, pk
from tests.factories import wallets_of as _wallets_of


@dataclass
class Setting:
    school: School
    staff: Person
    families: list[Family]
    wallets: list[list[WalletView]]  # per family: its child's wallets

    @property
    def school_id(self) -> int:
        return pk(self.school)


async def setting(tx: Transactions, families: int = 2, locales: tuple[str, ...] = ()) -> Setting:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    made = []
    for index in range(families):
        locale = locales[index] if index < len(locales) else "fr"
        made.append(await make_family(tx, school, locale=locale))
    wallets = [await _wallets_of(tx, family.child) for family in made]
    return Setting(school, staff, made, wallets)


async def import_file(tx: Transactions, staff: Person, data: bytes) -> ImportResult | DomainError:
    try:
        result = await import_statement_file(tx, actor_for(staff), data)
    except DomainError as error:
        return error
    await mail_pending_receipts(tx)  # as the upload route does after answering
    return result


def digits(wallet: WalletView) -> str:
    return "".join(c for c in wallet.structured_communication if c.isdigit())


async def balances(tx: Transactions, setting: Setting) -> list[list[int]]:
    fresh = [await _wallets_of(tx, family.child) for family in setting.families]
    return [[wallet.balance_cents for wallet in wallets] for wallets in fresh]


async def line_count(tx: Transactions, school_id: int) -> int:
    async def count(session: AsyncSession) -> int:
        found = await session.scalar(
            select(func.count()).where(col(BankStatementLine.school_id) == school_id)
        )
        return int(found or 0)

    return await tx.read(count)
