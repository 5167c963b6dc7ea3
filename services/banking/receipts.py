"""Receipt mails: the guardians of a credited wallet's child learn that their transfer arrived,
each in their own language, through the outbox of the crediting transaction."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import col

from models.accounts import User
from models.family import Child, Guardianship, School
from services.common.notify import send_mail
from services.sql.uow import UnitOfWork

CHUNK = 500


@dataclass(frozen=True)
class Receipt:
    child_id: int
    wallet_name: str
    amount_cents: int
    balance_cents: int
    day: date


@dataclass(frozen=True)
class _Guardian:
    email: str
    locale: str
    display_name: str


async def send_receipts(uow: UnitOfWork, school_id: int, receipts: Iterable[Receipt]) -> None:
    receipts = list(receipts)
    if not receipts:
        return
    school = await uow.session.get(School, school_id)
    assert school is not None
    child_ids = sorted({receipt.child_id for receipt in receipts})
    guardians: defaultdict[int, list[_Guardian]] = defaultdict(list)
    names: dict[int, str] = {}
    for start in range(0, len(child_ids), CHUNK):
        chunk = child_ids[start : start + CHUNK]
        rows = await uow.session.execute(
            select(
                col(Guardianship.child_id),
                col(User.email),
                col(User.locale),
                col(User.display_name),
            )
            .join(User, col(User.id) == col(Guardianship.parent_id))
            .where(col(Guardianship.child_id).in_(chunk))
            .order_by(col(User.id))
        )
        for child_id, email, locale, display_name in rows:
            guardians[child_id].append(_Guardian(email, locale, display_name))
        for named_id, first_name in await uow.session.execute(
            select(col(Child.id), col(Child.first_name)).where(col(Child.id).in_(chunk))
        ):
            names[int(named_id or 0)] = first_name
    for receipt in receipts:
        for guardian in guardians[receipt.child_id]:
            await send_mail(
                uow,
                to=guardian.email,
                template="bank_transfer_received",
                locale=guardian.locale,
                school_id=school_id,
                context={
                    "school_name": school.name,
                    "display_name": guardian.display_name,
                    "child_name": names.get(receipt.child_id, ""),
                    "wallet_name": receipt.wallet_name,
                    "amount": receipt.amount_cents,
                    "balance": receipt.balance_cents,
                    "date": receipt.day,
                    "time_zone": school.timezone,
                },
            )
