"""payInvoiceFromWallet: the whole due from the child's wallet, once per key, switchable."""

from datetime import date

from sqlalchemy import update
from sqlmodel import col

from models.accounts import Role
from models.family import School
from services.accounts.actor import Actor
from services.billing.issuing import issue_invoice
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
