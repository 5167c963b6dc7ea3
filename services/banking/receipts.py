"""Receipt mails: the guardians of a credited wallet's child learn that their transfer arrived,
each in their own language, through the outbox of the crediting transaction."""

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.banking import BankStatement, BankStatementLine
from models.family import Child, Guardianship, School
from models.ledger import Posting
from models.mail import OutboxMail
from models.wallets import Wallet
from services.common.notify import send_mail
from services.sql.uow import MailQueue, Transactions, UnitOfWork

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


async def mail_pending_receipts(tx: Transactions, *, batch: int = 200) -> int:
    """The receipts of lines an import credited, into the outbox: rendered outside any write
    transaction (milliseconds each), then added in a short one that takes each line's receipt
    once (a conditional UPDATE), so two processes never mail one twice. The import leaves the
    lines marked; this runs after its commit and in the background loop, so none is lost."""
    outbox = tx.outbox
    if outbox is None:
        return 0
    total = 0
    while True:
        now = tx.now()
        found = await tx.read(lambda session: _pending(session, batch))
        if not found:
            return total
        # Rendering is CPU work: in a thread, so the event loop keeps serving meanwhile.
        prepared = await asyncio.to_thread(_render, outbox, now, found)
        total += await tx.run(lambda uow, ready=prepared: _add(uow, ready))  # type: ignore[misc]


def _render(
    outbox: MailQueue, now: datetime, found: list[tuple[int, list[dict[str, Any]]]]
) -> list[tuple[int, list[OutboxMail]]]:
    return [
        (line_id, [outbox.prepare(now=now, **mail) for mail in mails]) for line_id, mails in found
    ]


async def _pending(session: AsyncSession, batch: int) -> list[tuple[int, list[dict[str, Any]]]]:
    rows = (
        await session.execute(
            select(
                col(BankStatementLine.id),
                col(BankStatementLine.amount_cents),
                col(BankStatement.statement_date),
                col(Posting.balance_after_cents),
                col(Wallet.name),
                col(Wallet.child_id),
                col(Child.first_name),
                col(School.id),
                col(School.name),
                col(School.timezone),
            )
            .join(BankStatement, col(BankStatement.id) == col(BankStatementLine.statement_id))
            .join(
                Posting,
                (col(Posting.transaction_id) == col(BankStatementLine.transaction_id))
                & col(Posting.wallet_id).is_not(None),
            )
            .join(Wallet, col(Wallet.id) == col(Posting.wallet_id))
            .join(Child, col(Child.id) == col(Wallet.child_id))
            .join(School, col(School.id) == col(BankStatementLine.school_id))
            .where(col(BankStatementLine.receipt_pending))
            .order_by(col(BankStatementLine.id))
            .limit(batch)
        )
    ).all()
    child_ids = sorted({row[5] for row in rows})
    guardians: defaultdict[int, list[_Guardian]] = defaultdict(list)
    if child_ids:
        for child_id, email, locale, display_name in await session.execute(
            select(
                col(Guardianship.child_id),
                col(User.email),
                col(User.locale),
                col(User.display_name),
            )
            .join(User, col(User.id) == col(Guardianship.parent_id))
            .where(col(Guardianship.child_id).in_(child_ids))
            .order_by(col(User.id))
        ):
            guardians[child_id].append(_Guardian(email, locale, display_name))
    found = []
    for line_id, cents, day, balance, wallet, child_id, first_name, school_id, school, zone in rows:
        found.append(
            (
                int(line_id or 0),
                [
                    {
                        "to": guardian.email,
                        "template": "bank_transfer_received",
                        "locale": guardian.locale,
                        "school_id": school_id,
                        "context": {
                            "school_name": school,
                            "display_name": guardian.display_name,
                            "child_name": first_name,
                            "wallet_name": wallet,
                            "amount": cents,
                            "balance": balance,
                            "date": day,
                            "time_zone": zone,
                        },
                    }
                    for guardian in guardians[child_id]
                ],
            )
        )
    return found


async def _add(uow: UnitOfWork, prepared: list[tuple[int, list[OutboxMail]]]) -> int:
    taken = set(
        (
            await uow.session.scalars(
                update(BankStatementLine)
                .where(
                    col(BankStatementLine.id).in_([line_id for line_id, _ in prepared]),
                    col(BankStatementLine.receipt_pending),
                )
                .values(receipt_pending=False)
                .returning(col(BankStatementLine.id))
            )
        ).all()
    )
    mails = [mail for line_id, rows in prepared if line_id in taken for mail in rows]
    uow.session.add_all(mails)
    if mails:
        uow.mail_enqueued = True
    return len(mails)
