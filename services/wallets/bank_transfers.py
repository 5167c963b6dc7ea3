"""Top-ups by bank transfer: a line of the school's bank statement credits the wallet its
structured communication names, once per bank reference.

Staff record lines one by one (`recordBankTransfer`); the CODA statement import calls the same
`record_bank_transfer`, as often as statements overlap: a bank reference seen before answers
what it answered the first time and credits nothing (the same reference with other data is
IDEMPOTENCY_CONFLICT: the statement and the record disagree).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlmodel import col

from models.billing import InvoicePaymentMethod
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from models.topups import BankTransfer
from models.wallets import Wallet
from services.accounts.actor import Actor
from services.billing.lookup import invoice_by_communication
from services.billing.paying import first_wallet, pay_invoice
from services.billing.views import INVOICE_KIND
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.idempotency import idempotent
from services.family.children import require_staff
from services.sql.uow import UnitOfWork
from services.wallets import communication, ledger, ledger_bulk
from services.wallets.views import Posted

MAX_REFERENCE = 100


async def record_bank_transfer(
    uow: UnitOfWork,
    actor: Actor,
    *,
    communication_text: str,
    amount_cents: int,
    bank_reference: str,
    value_date: date,
) -> Posted:
    require_staff(actor)
    parsed = communication.parse_communication(communication_text)
    if parsed is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "communication")
    kind, wallet_id = parsed
    if kind == INVOICE_KIND:
        return await _pay_invoice_by_transfer(
            uow, actor, communication_text, amount_cents, bank_reference, value_date
        )
    wallet = None
    if kind == communication.WALLET:
        wallet = await uow.session.scalar(
            select(Wallet).where(
                col(Wallet.id) == wallet_id, col(Wallet.school_id) == actor.school_id
            )
        )
    if wallet is None:
        raise NotFound("communication")
    reference = _checked(amount_cents, bank_reference)
    digits = communication.compact(communication_text)

    school_id = actor.school_id
    user_id = actor.user_id

    async def credit() -> Posted:
        return await credit_bank_transfer(
            uow,
            school_id=school_id,
            wallet_id=wallet_id,
            amount_cents=amount_cents,
            communication=digits,
            bank_reference=reference,
            value_date=value_date,
            recorded_by=user_id,
        )

    return await idempotent(
        uow,
        scope="bankTransfer",
        actor=f"school:{actor.school_id}",
        key=reference,
        request={"wallet": wallet_id, "amount": amount_cents, "valueDate": value_date.isoformat()},
        work=credit,
        encode=Posted.to_json,
        decode=Posted.from_json,
    )


def transfer_label(day: date) -> str:
    """The operation's label: what parents see in their journal (the statement's date)."""
    return f"Virement bancaire du {day:%d/%m/%Y}"


async def credit_bank_transfer(
    uow: UnitOfWork,
    *,
    school_id: int,
    wallet_id: int,
    amount_cents: int,
    communication: str,
    bank_reference: str,
    value_date: date,
    recorded_by: int | None,
    label: str = "Virement bancaire",
) -> Posted:
    """Credit a wallet of `school_id` with a received transfer. The unique (school, bank
    reference) of `bank_transfers` makes a second credit of one reference fail its transaction."""
    posted = await ledger.credit_wallet(
        uow,
        wallet_id=wallet_id,
        amount_cents=amount_cents,
        source=SchoolAccount.BANK_CLEARING,
        type=OperationType.TOP_UP,
        label=label,
        method=PaymentMethod.BANK_TRANSFER,
    )
    uow.session.add(
        BankTransfer(
            school_id=school_id,
            wallet_id=wallet_id,
            amount_cents=amount_cents,
            communication=communication,
            bank_reference=bank_reference,
            value_date=value_date,
            recorded_by=recorded_by,
            recorded_at=uow.now,
            transaction_id=posted.transaction_id,
        )
    )
    await uow.session.flush()
    return posted


@dataclass(frozen=True)
class ReceivedTransfer:
    """A transfer on a bank statement, for a wallet of the importing school."""

    wallet_id: int
    amount_cents: int
    communication: str
    bank_reference: str
    value_date: date
    label: str


async def credit_bank_transfers(
    uow: UnitOfWork, *, school_id: int, transfers: Sequence[ReceivedTransfer], recorded_by: int
) -> list[Posted]:
    """`credit_bank_transfer` for many lines of a statement, in few statements (the ledger's
    `credit_many`); the unique (school, bank reference) still fails a second credit."""
    posted = await ledger_bulk.credit_many(
        uow,
        school_id=school_id,
        credits=[ledger_bulk.Credit(t.wallet_id, t.amount_cents, t.label) for t in transfers],
        source=SchoolAccount.BANK_CLEARING,
        type=OperationType.TOP_UP,
        method=PaymentMethod.BANK_TRANSFER,
    )
    if transfers:
        await uow.session.execute(
            insert(BankTransfer),
            [
                {
                    "school_id": school_id,
                    "wallet_id": t.wallet_id,
                    "amount_cents": t.amount_cents,
                    "communication": t.communication,
                    "bank_reference": t.bank_reference,
                    "value_date": t.value_date,
                    "recorded_by": recorded_by,
                    "recorded_at": uow.now,
                    "transaction_id": p.transaction_id,
                }
                for t, p in zip(transfers, posted, strict=True)
            ],
        )
    return posted


def _checked(amount_cents: int, bank_reference: str) -> str:
    if amount_cents <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amountCents")
    reference = bank_reference.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        raise DomainError(ErrorCode.INVALID_INPUT, "bankReference")
    return reference


async def _pay_invoice_by_transfer(
    uow: UnitOfWork,
    actor: Actor,
    communication_text: str,
    amount_cents: int,
    bank_reference: str,
    value_date: date,
) -> Posted:
    """A line naming an invoice pays it through the one payment path; what exceeds the due
    lands on the child's first wallet, which the transfer row names."""
    invoice = await invoice_by_communication(uow.session, actor.school_id, communication_text)
    if invoice is None:
        raise NotFound("communication")
    reference = _checked(amount_cents, bank_reference)

    async def pay() -> Posted:
        outcome = await pay_invoice(
            uow,
            invoice.id,
            amount_cents,
            InvoicePaymentMethod.BANK_TRANSFER,
            source_ref=f"transfer:{reference}",
        )
        assert outcome.posted is not None and outcome.transaction_id is not None
        uow.session.add(
            BankTransfer(
                school_id=actor.school_id,
                wallet_id=await first_wallet(uow, invoice.child_id),
                amount_cents=amount_cents,
                communication=communication.compact(communication_text),
                bank_reference=reference,
                value_date=value_date,
                recorded_by=actor.user_id,
                recorded_at=uow.now,
                transaction_id=outcome.transaction_id,
            )
        )
        await uow.session.flush()
        return outcome.posted

    return await idempotent(
        uow,
        scope="bankTransfer",
        actor=f"school:{actor.school_id}",
        key=reference,
        request={
            "invoice": invoice.id,
            "amount": amount_cents,
            "valueDate": value_date.isoformat(),
        },
        work=pay,
        encode=Posted.to_json,
        decode=Posted.from_json,
    )


async def pay_invoice_by_statement_line(
    uow: UnitOfWork,
    *,
    school_id: int,
    invoice_id: int,
    first_wallet_id: int,
    amount_cents: int,
    communication: str,
    bank_reference: str,
    value_date: date,
    recorded_by: int,
) -> Posted:
    """A statement line naming an invoice pays it through billing's one payment path (any
    excess on the child's first wallet); the transfer row makes its bank reference count once.
    The line's own receipt (services/banking/receipts.py) tells the guardians, not billing's."""
    outcome = await pay_invoice(
        uow,
        invoice_id,
        amount_cents,
        InvoicePaymentMethod.BANK_TRANSFER,
        source_ref=f"transfer:{bank_reference}",
        receipt=False,
    )
    assert outcome.transaction_id is not None
    uow.session.add(
        BankTransfer(
            school_id=school_id,
            wallet_id=first_wallet_id,
            amount_cents=amount_cents,
            communication=communication,
            bank_reference=bank_reference,
            value_date=value_date,
            recorded_by=recorded_by,
            recorded_at=uow.now,
            transaction_id=outcome.transaction_id,
        )
    )
    # A line another import committed meanwhile has already paid (outcome.posted None) fails
    # here on the unique bank reference: its batch runs again and skips it.
    await uow.session.flush()
    assert outcome.posted is not None
    return outcome.posted
