"""Statement lines that name an invoice pay it through billing's one payment path: exactly its
due, any excess on the child's first wallet, once whatever the number of imports."""

import asyncio
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from services.billing import issuing
from services.billing.views import InvoiceView, LineInput
from services.demo.statement_files import Movement, camt053_file, coda_file, statement
from services.sql.uow import Transactions, UnitOfWork
from services.wallets.bank_transfers import pay_invoice_by_statement_line
from services.wallets.views import Posted
from tests.factories import actor_for
from tests.services.banking.helpers import balances, import_file, setting
from tests.support.ledger import assert_ledger_balanced


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


async def read_invoice(tx: Transactions, invoice_id: int) -> InvoiceView:
    from models.billing import Invoice

    row = await tx.read(lambda s: s.get(Invoice, invoice_id, populate_existing=True))
    assert row is not None
    return InvoiceView.of(row)


async def test_a_line_pays_its_invoice_and_the_excess_tops_up_the_wallet(
    tx: Transactions,
) -> None:
    s = await setting(tx, families=1)
    staff = actor_for(s.staff)
    child_id = s.families[0].child.id
    assert child_id is not None
    invoice = await tx.run(
        lambda uow: issuing.issue_invoice(
            uow,
            staff,
            child_id,
            "Classe de neige",
            [LineInput("Séjour", 1, 12_000)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    before = await balances(tx, s)
    data = camt053_file(
        statement(
            Movement(12_500, "INV-1", communication=digits(invoice.communication)),
            number=81,
        )
    )
    # The same file twice at once: one payment.
    results = await asyncio.gather(import_file(tx, s.staff, data), import_file(tx, s.staff, data))
    assert sorted(getattr(r, "credited", -1) for r in results) == [0, 1]
    paid = await read_invoice(tx, invoice.id)
    assert (paid.paid_cents, paid.due_cents) == (12_000, 0)
    after = await balances(tx, s)
    assert after[0][0] == before[0][0] + 500  # the excess, on the first wallet
    assert after[0][1] == before[0][1]

    # The same transfer in the bank's CODA file later: nothing more.
    again = coda_file(
        statement(
            Movement(12_500, "INV-1", communication=digits(invoice.communication)),
            number=82,
        )
    )
    await import_file(tx, s.staff, again)
    assert (await read_invoice(tx, invoice.id)).paid_cents == 12_000
    assert await balances(tx, s) == after
    await assert_ledger_balanced(tx)


async def test_a_line_already_paid_by_a_racing_import_fails_on_its_bank_reference(
    tx: Transactions,
) -> None:
    """What an import that read the line as new meets when another import committed it
    first: the unique bank reference (so the batch runs again and skips it), not a crash."""
    s = await setting(tx, families=1)
    child_id = s.families[0].child.id
    assert child_id is not None and s.school.id is not None and s.staff.id is not None
    invoice = await tx.run(
        lambda uow: issuing.issue_invoice(
            uow,
            actor_for(s.staff),
            child_id,
            "Piscine",
            [LineInput("Entrées", 1, 3_000)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )

    async def line(uow: UnitOfWork) -> Posted:
        return await pay_invoice_by_statement_line(
            uow,
            school_id=s.school.id or 0,
            invoice_id=invoice.id,
            first_wallet_id=s.wallets[0][0].id,
            amount_cents=3_000,
            communication=digits(invoice.communication),
            bank_reference="RACE-1",
            value_date=date(2026, 11, 5),
            recorded_by=s.staff.id or 0,
        )

    await tx.run(line)
    with pytest.raises(IntegrityError):
        await tx.run(line)
    assert (await read_invoice(tx, invoice.id)).paid_cents == 3_000
    await assert_ledger_balanced(tx)
