"""Transfers a parent announces ("I have sent €X"): shown on the wallet until a statement credits
it with that amount (the oldest matching announcement is settled), dropped with a mail after
ten days without one."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.banking import PendingTransfer, PendingTransferStatus
from models.family import Child, School
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.common.idempotency import actor_key, idempotent
from services.common.notify import send_mail
from services.common.school_time import local_today, zone
from services.sql.uow import UnitOfWork
from services.wallets.communication import WALLET, communication_for
from services.wallets.wallets import wallet_for, wallet_to_act_on

WAITING_DAYS = 10
MAX_ANNOUNCED_CENTS = 1_000_000


@dataclass(frozen=True)
class PendingTransferView:
    id: int
    wallet_id: int
    amount_cents: int
    announced_on: date

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "walletId": self.wallet_id,
            "amountCents": self.amount_cents,
            "announcedOn": self.announced_on.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PendingTransferView":
        return cls(
            int(data["id"]),
            int(data["walletId"]),
            int(data["amountCents"]),
            date.fromisoformat(data["announcedOn"]),
        )


async def announce_transfer(
    uow: UnitOfWork, actor: Actor, *, wallet_id: int, amount_cents: int, idempotency_key: str
) -> PendingTransferView:
    wallet = await wallet_to_act_on(uow.session, actor, wallet_id)
    if not 0 < amount_cents <= MAX_ANNOUNCED_CENTS:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")
    school = await uow.session.get(School, wallet.school_id)
    assert school is not None
    if not school.feature_bank_transfer_top_up:
        raise DomainError(ErrorCode.FEATURE_DISABLED)

    async def create() -> PendingTransferView:
        row = PendingTransfer(
            school_id=wallet.school_id,
            wallet_id=wallet.id,
            amount_cents=amount_cents,
            announced_by=actor.user_id,
            announced_at=uow.now,
            announced_on=local_today(uow.now, zone(school.timezone)),
        )
        uow.session.add(row)
        await uow.session.flush()
        assert row.id is not None
        return PendingTransferView(row.id, wallet.id, amount_cents, row.announced_on)

    return await idempotent(
        uow,
        scope="announceBankTransfer",
        actor=actor_key(actor),
        key=idempotency_key,
        request={"wallet": wallet.id, "amount": amount_cents},
        work=create,
        encode=PendingTransferView.to_json,
        decode=PendingTransferView.from_json,
    )


async def pending_transfers(
    session: AsyncSession, actor: Actor, wallet_id: int
) -> list[PendingTransferView]:
    wallet = await wallet_for(session, actor, wallet_id)
    rows = await session.execute(
        select(
            col(PendingTransfer.id),
            col(PendingTransfer.amount_cents),
            col(PendingTransfer.announced_on),
        )
        .where(
            col(PendingTransfer.wallet_id) == wallet.id,
            col(PendingTransfer.status) == PendingTransferStatus.PENDING,
        )
        .order_by(col(PendingTransfer.id))
    )
    return [
        PendingTransferView(int(row_id or 0), wallet.id, cents, day) for row_id, cents, day in rows
    ]


async def open_announcements(session: AsyncSession, wallet_ids: list[int]) -> set[tuple[int, int]]:
    """(wallet, amount) pairs with an announcement still pending, for the wallets given."""
    found: set[tuple[int, int]] = set()
    for start in range(0, len(wallet_ids), 500):
        rows = await session.execute(
            select(col(PendingTransfer.wallet_id), col(PendingTransfer.amount_cents)).where(
                col(PendingTransfer.wallet_id).in_(wallet_ids[start : start + 500]),
                col(PendingTransfer.status) == PendingTransferStatus.PENDING,
            )
        )
        found.update((wallet_id, cents) for wallet_id, cents in rows)
    return found


async def settle_announcement(
    uow: UnitOfWork, *, wallet_id: int, amount_cents: int, line_id: int | None
) -> bool:
    """Settle the oldest pending announcement of this amount on this wallet, if any. The
    conditional UPDATE settles each announcement once, however many lines race for it."""
    for _ in range(3):
        oldest = await uow.session.scalar(
            select(col(PendingTransfer.id))
            .where(
                col(PendingTransfer.wallet_id) == wallet_id,
                col(PendingTransfer.amount_cents) == amount_cents,
                col(PendingTransfer.status) == PendingTransferStatus.PENDING,
            )
            .order_by(col(PendingTransfer.id))
            .limit(1)
        )
        if oldest is None:
            return False
        result = await uow.session.execute(
            update(PendingTransfer)
            .where(
                col(PendingTransfer.id) == oldest,
                col(PendingTransfer.status) == PendingTransferStatus.PENDING,
            )
            .values(status=PendingTransferStatus.SETTLED, closed_at=uow.now, line_id=line_id)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
    return False


async def drop_stale_announcements(uow: UnitOfWork, *, limit: int = 200) -> int:
    """Drop announcements older than the waiting time, each with a mail to its announcer."""
    cutoff = uow.now - timedelta(days=WAITING_DAYS)
    rows = (
        await uow.session.execute(
            select(PendingTransfer, User, Wallet, Child, School)
            .join(User, col(User.id) == col(PendingTransfer.announced_by))
            .join(Wallet, col(Wallet.id) == col(PendingTransfer.wallet_id))
            .join(Child, col(Child.id) == col(Wallet.child_id))
            .join(School, col(School.id) == col(PendingTransfer.school_id))
            .where(
                col(PendingTransfer.status) == PendingTransferStatus.PENDING,
                col(PendingTransfer.announced_at) < cutoff,
            )
            .order_by(col(PendingTransfer.id))
            .limit(limit)
        )
    ).all()
    dropped = 0
    for announcement, user, wallet, child, school in rows:
        result = await uow.session.execute(
            update(PendingTransfer)
            .where(
                col(PendingTransfer.id) == announcement.id,
                col(PendingTransfer.status) == PendingTransferStatus.PENDING,
            )
            .values(status=PendingTransferStatus.DROPPED, closed_at=uow.now)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            continue
        dropped += 1
        assert wallet.id is not None
        await send_mail(
            uow,
            to=user.email,
            template="bank_transfer_missing",
            locale=user.locale,
            school_id=school.id,
            context={
                "school_name": school.name,
                "display_name": user.display_name,
                "child_name": child.first_name,
                "wallet_name": wallet.name,
                "amount": announcement.amount_cents,
                "date": announcement.announced_on,
                "communication": communication_for(WALLET, wallet.id),
                "time_zone": school.timezone,
            },
        )
    return dropped
