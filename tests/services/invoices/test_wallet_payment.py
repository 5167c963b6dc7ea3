"""payInvoiceFromWallet: the whole due from the child's wallet, once per key, switchable."""

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role
from models.billing import Invoice
from models.family import School
from models.ledger import Posting
from services.accounts.actor import Actor
from services.billing.issuing import issue_invoice
from services.billing.settings import InvoiceSettings, invoice_settings, set_invoice_settings
from services.billing.views import InvoiceView, LineInput
from services.billing.wallet_payment import pay_invoice_from_wallet
from services.common.errors import DomainError
from services.sql.uow import Transactions, UnitOfWork
from tests.factories import (
    Family,
    actor_for,
    fund,
    make_family,
    make_school,
    make_user,
    pk,
    wallets_of,
)


async def switch(tx: Transactions, school: School, on: bool) -> None:
    async def work(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(School)
            .where(col(School.id) == school.id)
            .values(feature_pay_invoice_from_wallet=on)
        )

    await tx.run(work)


async def setup(tx: Transactions) -> tuple[School, Family, InvoiceView]:
    school = await make_school(tx)
    await switch(tx, school, True)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    view = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.child),
            "Piscine",
            [LineInput("Entrée", 3, 250)],
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )
    return school, family, view


async def code_of(tx: Transactions, actor: Actor, invoice_id: int, wallet_id: int, key: str) -> str:
    try:
        paid = await tx.run(
            lambda uow: pay_invoice_from_wallet(
                uow, actor, invoice_id=invoice_id, wallet_id=wallet_id, idempotency_key=key
            )
        )
    except DomainError as error:
        return error.code.value
    return str(paid.applied_cents)


async def test_the_whole_due_once_per_key_then_nothing_due(tx: Transactions) -> None:
    _, family, view = await setup(tx)
    parent = actor_for(family.parent)
    first, _ = await wallets_of(tx, family.child)
    assert await code_of(tx, parent, view.id, first.id, "k1") == "INSUFFICIENT_FUNDS"
    await fund(tx, first.id, 1000)
    assert await code_of(tx, parent, view.id, first.id, "k2") == "750"
    assert await code_of(tx, parent, view.id, first.id, "k2") == "750"  # same key, same answer
    assert await code_of(tx, parent, view.id, first.id, "k3") == "NOTHING_DUE"
    first, _ = await wallets_of(tx, family.child)
    assert first.balance_cents == 250


async def test_switched_off_another_family_and_another_child_s_wallet(tx: Transactions) -> None:
    school, family, view = await setup(tx)
    parent = actor_for(family.parent)
    first, _ = await wallets_of(tx, family.child)
    await fund(tx, first.id, 1000)
    stranger = await make_family(tx, school)
    other_wallet, _ = await wallets_of(tx, stranger.child)
    stranger_actor = actor_for(stranger.parent)
    assert await code_of(tx, stranger_actor, view.id, other_wallet.id, "s") == "NOT_FOUND"
    assert await code_of(tx, parent, view.id, other_wallet.id, "w") == "NOT_FOUND"
    await switch(tx, school, False)
    assert await code_of(tx, parent, view.id, first.id, "off") == "FEATURE_DISABLED"


async def allow_partial(tx: Transactions, school: School, on: bool) -> None:
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    await tx.run(lambda uow: set_invoice_settings(uow, staff, partial_payments=on))


async def wallet_postings(tx: Transactions, wallet_id: int) -> list[tuple[str, int, int]]:
    async def read(session: AsyncSession) -> list[tuple[str, int, int]]:
        rows = await session.execute(
            select(
                col(Posting.operation_type),
                col(Posting.amount_cents),
                col(Posting.balance_after_cents),
            )
            .where(col(Posting.wallet_id) == wallet_id)
            .order_by(col(Posting.id))
        )
        return [(str(t), int(a), int(b or 0)) for t, a, b in rows]

    return await tx.read(read)


async def test_partial_payments_take_what_the_wallet_holds_when_the_school_allows_them(
    tx: Transactions,
) -> None:
    school, family, view = await setup(tx)  # 7,50 due
    parent = actor_for(family.parent)
    first, _ = await wallets_of(tx, family.child)
    await fund(tx, first.id, 300)
    assert await code_of(tx, parent, view.id, first.id, "p0") == "INSUFFICIENT_FUNDS"  # off
    await allow_partial(tx, school, True)
    assert await code_of(tx, parent, view.id, first.id, "p1") == "300"
    assert await code_of(tx, parent, view.id, first.id, "p1") == "300"  # same key, same answer
    # An empty wallet pays nothing: refused, not a zero payment.
    assert await code_of(tx, parent, view.id, first.id, "p2") == "INSUFFICIENT_FUNDS"
    await fund(tx, first.id, 1000)
    assert await code_of(tx, parent, view.id, first.id, "p3") == "450"  # the rest, no more
    assert await code_of(tx, parent, view.id, first.id, "p4") == "NOTHING_DUE"
    invoice = await tx.read(lambda s: s.get(Invoice, view.id))
    assert invoice is not None and invoice.paid_cents == 750
    assert await wallet_postings(tx, first.id) == [
        ("TOP_UP", 300, 300),
        ("INVOICE_PAYMENT", -300, 0),
        ("TOP_UP", 1000, 1000),
        ("INVOICE_PAYMENT", -450, 550),
    ]
    # Switched off again: a wallet holding less than the due pays nothing.
    await allow_partial(tx, school, False)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    other = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.child),
            "Théâtre",
            [LineInput("Place", 1, 900)],
            date(2026, 11, 3),
            date(2026, 11, 30),
        )
    )
    assert await code_of(tx, parent, other.id, first.id, "p5") == "INSUFFICIENT_FUNDS"
    first, _ = await wallets_of(tx, family.child)
    assert first.balance_cents == 550


async def test_only_staff_change_the_invoice_settings_within_bounds(tx: Transactions) -> None:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    parent = actor_for(await make_user(tx, school, Role.PARENT))
    defaults = await tx.read(lambda s: invoice_settings(s, staff))
    assert defaults == InvoiceSettings(True, 3, False)
    for refused, wanted in (
        ("FORBIDDEN", lambda uow: set_invoice_settings(uow, parent, partial_payments=True)),
        ("INVALID_INPUT", lambda uow: set_invoice_settings(uow, staff, reminder_days_before=0)),
        ("INVALID_INPUT", lambda uow: set_invoice_settings(uow, staff, reminder_days_before=31)),
    ):
        with pytest.raises(DomainError) as raised:
            await tx.run(wanted)
        assert raised.value.code.value == refused
    changed = await tx.run(
        lambda uow: set_invoice_settings(uow, staff, reminders=False, reminder_days_before=5)
    )
    assert changed == InvoiceSettings(False, 5, False)
