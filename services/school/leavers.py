"""A leaver's wallets settled: refunded to a guardian's bank account, or moved to a sibling;
then closed.

Both are ordinary ledger transactions (the journal stays balanced): a refund takes the money
from the wallet to the school's bank clearing account, recorded with the IBAN it goes to; a
move is a transfer to the sibling's wallet in the same slot. Idempotent per key. Every wallet
of the leaver is closed in the same transaction: the ledger then refuses any debit or credit
on it (WALLET_CLOSED) and bank transfers to it wait in the unmatched queue.
"""

from typing import Any

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select, update
from sqlmodel import col

from models.family import Child, Guardianship
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.topups import TopUp, TopUpStatus
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound, message_key
from services.common.idempotency import actor_key, idempotent
from services.family.children import require_staff
from services.sql.uow import UnitOfWork
from services.wallets import ledger


async def settle_leaver(
    uow: UnitOfWork,
    actor: Actor,
    *,
    child_id: int,
    iban: str | None = None,
    sibling_id: int | None = None,
    idempotency_key: str,
) -> int:
    """Empty every wallet of a leaver; the total moved, in cents."""
    require_staff(actor)
    if (iban is None) == (sibling_id is None):
        raise DomainError(ErrorCode.INVALID_INPUT, "iban")
    child = await uow.session.get(Child, child_id)
    if child is None or child.school_id != actor.school_id:
        raise NotFound("childId")
    if child.left_at is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "childId")
    # A payment still open would land on a closed wallet: wait until it is paid or expired.
    pending = await uow.session.scalar(
        select(col(TopUp.id)).where(
            col(TopUp.child_id) == child_id, col(TopUp.status) == TopUpStatus.PENDING
        )
    )
    if pending is not None:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "childId",
            detail=message_key("error.INVALID_INPUT.top_up_pending"),
        )
    account = None
    if iban is not None:
        try:
            account = IBAN(iban)
        except SchwiftyException:
            raise DomainError(ErrorCode.INVALID_INPUT, "iban") from None
    targets: dict[int, int] = {}
    if sibling_id is not None:
        targets = await _sibling_wallets(uow, actor, child_id, sibling_id)

    async def settle() -> int:
        wallets = (
            await uow.session.scalars(
                select(Wallet).where(col(Wallet.child_id) == child_id).order_by(col(Wallet.slot))
            )
        ).all()
        total = 0
        for wallet in wallets:
            amount = wallet.balance_cents
            assert wallet.id is not None
            if amount <= 0:
                continue
            total += amount
            if account is not None:
                label = f"Remboursement bancaire vers {account.formatted}"
                await ledger.debit_wallet(
                    uow,
                    wallet_id=wallet.id,
                    amount_cents=amount,
                    to=SchoolAccount.BANK_CLEARING,
                    type=OperationType.ADJUSTMENT,
                    label=label,
                    method=PaymentMethod.BANK_TRANSFER,
                )
            else:
                target = targets.get(wallet.slot)
                if target is None:
                    raise DomainError(ErrorCode.INVALID_INPUT, "siblingId")
                await ledger.post(
                    uow,
                    method=PaymentMethod.INTERNAL,
                    memo="Départ: vers le portefeuille d'un frère ou d'une sœur",
                    wallet_legs=[
                        ledger.WalletLeg(
                            wallet.id, -amount, OperationType.TRANSFER_OUT, "Vers la fratrie"
                        ),
                        ledger.WalletLeg(
                            target, amount, OperationType.TRANSFER_IN, "Depuis la fratrie"
                        ),
                    ],
                )
        await uow.session.execute(
            update(Wallet)
            .where(col(Wallet.child_id) == child_id, col(Wallet.closed_at).is_(None))
            .values(closed_at=uow.now)
        )
        return total

    request: dict[str, Any] = {"child": child_id, "iban": account and account.compact}
    request["sibling"] = sibling_id
    return await idempotent(
        uow,
        scope="settleLeaver",
        actor=actor_key(actor),
        key=idempotency_key,
        request=request,
        work=settle,
        encode=lambda total: total,
        decode=lambda data: int(data),
    )


async def _sibling_wallets(
    uow: UnitOfWork, actor: Actor, child_id: int, sibling_id: int
) -> dict[int, int]:
    """The sibling's wallets by slot; a sibling shares a guardian and has not left."""
    sibling = await uow.session.get(Child, sibling_id)
    if sibling is None or sibling.school_id != actor.school_id or sibling_id == child_id:
        raise NotFound("siblingId")
    if sibling.left_at is not None:
        raise DomainError(ErrorCode.INVALID_INPUT, "siblingId")
    parents = select(col(Guardianship.parent_id)).where(col(Guardianship.child_id) == child_id)
    shared = await uow.session.scalar(
        select(col(Guardianship.id)).where(
            col(Guardianship.child_id) == sibling_id, col(Guardianship.parent_id).in_(parents)
        )
    )
    if shared is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "siblingId")
    rows = (
        await uow.session.execute(
            select(col(Wallet.slot), col(Wallet.id)).where(col(Wallet.child_id) == sibling_id)
        )
    ).all()
    return {int(slot): int(wallet_id or 0) for slot, wallet_id in rows}
