"""verify-ledger also proves every invoice: a tampered paid amount is reported."""

from datetime import date

from sqlalchemy import update
from sqlmodel import col

from models.accounts import Role
from models.billing import Invoice, InvoicePaymentMethod
from services.billing.issuing import issue_invoice
from services.billing.ledger_check import invoice_problems
from services.billing.paying import pay_invoice
from services.billing.views import LineInput
from services.sql.uow import Transactions, UnitOfWork
from tests.factories import actor_for, make_family, make_school, make_user, pk


async def test_a_paid_amount_without_its_payment_is_reported(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    view = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.child),
            "Sortie",
            [LineInput("Car", 1, 900)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    await tx.run(
        lambda uow: pay_invoice(uow, view.id, 400, InvoicePaymentMethod.ONLINE, source_ref="o:1")
    )
    assert await tx.read(invoice_problems) == []

    async def tamper(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(Invoice).where(col(Invoice.id) == view.id).values(paid_cents=500)
        )

    await tx.run(tamper)
    assert await tx.read(invoice_problems) == [f"invoice {view.id}: paid 500 != its payments 400"]

    async def restore(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(Invoice).where(col(Invoice.id) == view.id).values(paid_cents=400)
        )

    await tx.run(restore)
