"""Staff handle an unmatched credit line: credit it to a wallet or an invoice of the school
(exactly once), or mark it to go back to its sender with a note.

Once: the line leaves UNMATCHED by one conditional UPDATE (the database picks the one of two
racing clerks; the other gets ALREADY_HANDLED and its transaction credits nothing), and the
credit's bank reference is unique in `bank_transfers` besides. Who handled each line, and when,
stays on the line; the mutation's audit entry records it too.
"""

from datetime import date

from sqlalchemy import select, update
from sqlmodel import col

from models.banking import BankStatement, BankStatementLine, LineStatus
from models.billing import Invoice
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.banking import announcements, matching
from services.banking.queue import LineView, line_for
from services.banking.receipts import mail_line_receipts
from services.billing.paying import first_wallet
from services.billing.views import InvoiceView
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import require_staff
from services.sql.uow import UnitOfWork
from services.wallets.views import Posted, WalletView

MAX_NOTE = 500


async def assign_line(
    uow: UnitOfWork, actor: Actor, line_id: int, *, wallet_id: int
) -> tuple[LineView, WalletView]:
    """Credit an unmatched line to a wallet of the school."""
    require_staff(actor)
    line = await _unmatched(uow, actor, line_id)
    wallet = await uow.session.scalar(
        select(Wallet).where(col(Wallet.id) == wallet_id, col(Wallet.school_id) == actor.school_id)
    )
    if wallet is None or wallet.id is None:
        raise NotFound("walletId")
    target = matching.WalletTarget(wallet.id, wallet.child_id, wallet.name)
    posted = await _credit(uow, actor, line, target)
    await announcements.settle_announcement(
        uow, wallet_id=wallet.id, amount_cents=line.amount_cents, line_id=line_id
    )
    return await line_for(uow.session, actor, line_id), posted.wallet(wallet.id)


async def assign_line_to_invoice(
    uow: UnitOfWork, actor: Actor, line_id: int, *, invoice_id: int
) -> tuple[LineView, InvoiceView, WalletView | None]:
    """Pay an invoice of the school with an unmatched line, through billing's one payment path:
    its due at most, the rest on the child's first wallet (answered when the excess reached it)."""
    require_staff(actor)
    line = await _unmatched(uow, actor, line_id)
    invoice = await uow.session.scalar(
        select(Invoice).where(
            col(Invoice.id) == invoice_id, col(Invoice.school_id) == actor.school_id
        )
    )
    if invoice is None or invoice.id is None:
        raise NotFound("invoiceId")
    if InvoiceView.of(invoice).due_cents == 0:
        # Nothing to pay: the clerk meant another invoice, or the wallet (assignBankLine).
        raise DomainError(ErrorCode.NOTHING_DUE, "invoiceId")
    wallet_id = await first_wallet(uow, invoice.child_id)
    target = matching.InvoiceTarget(wallet_id, invoice.child_id, invoice.title, invoice.id)
    posted = await _credit(uow, actor, line, target)
    paid = await uow.session.get(Invoice, invoice.id, populate_existing=True)
    assert paid is not None
    excess = posted.wallet(wallet_id) if posted.wallets else None
    return await line_for(uow.session, actor, line_id), InvoiceView.of(paid), excess


async def return_line(uow: UnitOfWork, actor: Actor, line_id: int, note: str) -> LineView:
    """Mark an unmatched line to be sent back to its sender: it is never credited."""
    require_staff(actor)
    note = note.strip()
    if not note or len(note) > MAX_NOTE:
        raise DomainError(ErrorCode.INVALID_INPUT, "note")
    await _unmatched(uow, actor, line_id)
    await _leave_queue(uow, actor, line_id, LineStatus.RETURNED, note)
    return await line_for(uow.session, actor, line_id)


async def _credit(
    uow: UnitOfWork, actor: Actor, line: BankStatementLine, target: matching.Target
) -> Posted:
    """Take the line out of the queue, then credit it as the import credits a matched line
    (the same `pay_many`), and queue its receipt mail in this transaction."""
    assert line.id is not None
    statement_date: date | None = await uow.session.scalar(
        select(col(BankStatement.statement_date)).where(col(BankStatement.id) == line.statement_id)
    )
    assert statement_date is not None
    await _leave_queue(uow, actor, line.id, LineStatus.CREDITED, None)
    payment = matching.Payment(
        target,
        line.amount_cents,
        line.communication or "",
        line.bank_reference,
        line.value_date,
        statement_date,
    )
    [posted] = await matching.pay_many(
        uow, [payment], school_id=actor.school_id, recorded_by=actor.user_id
    )
    invoice_id = target.invoice_id if isinstance(target, matching.InvoiceTarget) else None
    await uow.session.execute(
        update(BankStatementLine)
        .where(col(BankStatementLine.id) == line.id)
        .values(
            wallet_id=target.wallet_id,
            invoice_id=invoice_id,
            transaction_id=posted.transaction_id,
            receipt_pending=True,
        )
        .execution_options(synchronize_session=False)
    )
    await mail_line_receipts(uow, [line.id])
    return posted


async def _unmatched(uow: UnitOfWork, actor: Actor, line_id: int) -> BankStatementLine:
    line = await uow.session.scalar(
        select(BankStatementLine)
        .where(
            col(BankStatementLine.id) == line_id,
            col(BankStatementLine.school_id) == actor.school_id,
        )
        .execution_options(populate_existing=True)
    )
    if line is None:
        raise NotFound("lineId")
    if line.status != LineStatus.UNMATCHED:
        raise DomainError(ErrorCode.ALREADY_HANDLED, "lineId")
    recorded = await matching.transfers_recorded(
        uow.session, actor.school_id, [line.bank_reference]
    )
    if recorded:  # keyed in by hand (recordBankTransfer) after the import: credited already
        raise DomainError(ErrorCode.ALREADY_HANDLED, "lineId")
    return line


async def _leave_queue(
    uow: UnitOfWork, actor: Actor, line_id: int, status: LineStatus, note: str | None
) -> None:
    result = await uow.session.execute(
        update(BankStatementLine)
        .where(
            col(BankStatementLine.id) == line_id,
            col(BankStatementLine.status) == LineStatus.UNMATCHED,
        )
        .values(status=status, handled_by=actor.user_id, handled_at=uow.now, note=note)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.ALREADY_HANDLED, "lineId")
