"""Issuing invoices (numbers with no gaps) and the one payment path (never above the due)."""

import asyncio
from datetime import date
from typing import Any

import pytest

from models.accounts import Role
from models.billing import InvoicePaymentMethod
from services.accounts.actor import Actor
from services.billing.issuing import issue_invoice
from services.billing.lookup import invoice_by_communication
from services.billing.paying import pay_invoice
from services.billing.views import InvoiceView, LineInput
from services.common.errors import DomainError
from services.sql.uow import Transactions
from services.wallets.bank_transfers import record_bank_transfer
from services.wallets.communication import communication_for
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

LINES = [LineInput("Bus", 1, 1200), LineInput("Entrée", 2, 400)]  # 20,00 €


async def setup(tx: Transactions) -> tuple[Any, Actor, Family]:
    school = await make_school(tx)
    staff = actor_for(await make_user(tx, school, Role.STAFF))
    family = await make_family(tx, school)
    return school, staff, family


async def issue(tx: Transactions, staff: Actor, child_id: int) -> InvoiceView:
    return await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            child_id,
            "Excursion",
            LINES,
            date(2026, 11, 2),
            date(2026, 11, 30),
        )
    )


async def test_numbers_follow_each_other_with_no_gap_even_when_issued_at_once(
    tx: Transactions,
) -> None:
    _, staff, family = await setup(tx)
    views = await asyncio.gather(*(issue(tx, staff, pk(family.child)) for _ in range(8)))
    assert sorted(v.number for v in views) == list(range(1, 9))
    assert {v.total_cents for v in views} == {2000}
    assert {v.school_year for v in views} == {2026}


async def test_a_parent_may_not_issue_and_another_school_s_child_is_not_found(
    tx: Transactions,
) -> None:
    _school, staff, family = await setup(tx)
    parent = actor_for(family.parent)
    with pytest.raises(DomainError) as refused:
        await issue(tx, parent, pk(family.child))
    assert refused.value.code.value == "FORBIDDEN"
    other_school = await make_school(tx)
    stranger = await make_family(tx, other_school)
    with pytest.raises(DomainError) as missing:
        await issue(tx, staff, pk(stranger.child))
    assert missing.value.code.value == "NOT_FOUND"


async def test_the_communication_is_the_invoice_s_own_and_names_it(tx: Transactions) -> None:
    school, staff, family = await setup(tx)
    view = await issue(tx, staff, pk(family.child))
    wallet_communications = {communication_for(1, w.id) for w in await wallets_of(tx, family.child)}
    assert view.communication not in wallet_communications
    found = await tx.read(lambda s: invoice_by_communication(s, pk(school), view.communication))
    assert found is not None and found.id == view.id
    other = await make_school(tx)
    assert (
        await tx.read(lambda s: invoice_by_communication(s, pk(other), view.communication)) is None
    )


async def test_wallet_online_and_transfer_at_once_pay_exactly_the_due_the_excess_on_the_wallet(
    tx: Transactions,
) -> None:
    _, staff, family = await setup(tx)
    first, second = await wallets_of(tx, family.child)
    await fund(tx, first.id, 5000)
    await fund(tx, second.id, 5000)
    view = await issue(tx, staff, pk(family.child))

    async def attempt(method: InvoicePaymentMethod, ref: str, wallet_id: int | None) -> str:
        try:
            out = await tx.run(
                lambda uow: pay_invoice(
                    uow, view.id, 2000, method, source_ref=ref, wallet_id=wallet_id
                )
            )
        except DomainError as error:
            return error.code.value
        return f"{out.applied_cents}/{out.excess_cents}"

    results = await asyncio.gather(
        attempt(InvoicePaymentMethod.WALLET, "w1", first.id),
        attempt(InvoicePaymentMethod.WALLET, "w2", second.id),
        attempt(InvoicePaymentMethod.ONLINE, "online:1", None),
        attempt(InvoicePaymentMethod.BANK_TRANSFER, "transfer:1", None),
    )
    assert sorted(results).count("2000/0") == 1  # exactly one payer is applied
    after = await wallets_of(tx, family.child)
    external_excess = sum(int(r.split("/")[1]) for r in results if "/" in r)
    wallet_spent = 10_000 - sum(w.balance_cents for w in after) + external_excess
    # What left the wallets for the invoice plus what came from outside equals the due.
    applied = sum(int(r.split("/")[0]) for r in results if "/" in r)
    assert applied == 2000
    assert wallet_spent in (0, 2000)
    final = await tx.run(
        lambda uow: pay_invoice(
            uow, view.id, 700, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t2"
        )
    )
    assert (final.applied_cents, final.excess_cents, final.invoice.due_cents) == (0, 700, 0)


async def test_the_same_source_pays_once(tx: Transactions) -> None:
    _, staff, family = await setup(tx)
    view = await issue(tx, staff, pk(family.child))
    for _ in range(2):
        out = await tx.run(
            lambda uow: pay_invoice(
                uow, view.id, 500, InvoicePaymentMethod.BANK_TRANSFER, source_ref="line:9"
            )
        )
        assert (out.applied_cents, out.invoice.paid_cents) == (500, 500)


async def test_a_bank_transfer_naming_the_invoice_pays_it_and_the_excess_tops_up_the_wallet(
    tx: Transactions,
) -> None:
    _, staff, family = await setup(tx)
    view = await issue(tx, staff, pk(family.child))

    async def transfer(reference: str, cents: int) -> None:
        await tx.run(
            lambda uow: record_bank_transfer(
                uow,
                staff,
                communication_text=view.communication,
                amount_cents=cents,
                bank_reference=reference,
                value_date=date(2026, 11, 10),
            )
        )

    await transfer("B-1", 1500)
    await transfer("B-1", 1500)  # the same statement line again: counted once
    await transfer("B-2", 800)
    paid = await tx.read(lambda s: invoice_by_communication(s, view.school_id, view.communication))
    assert paid is not None and (paid.paid_cents, paid.due_cents) == (2000, 0)
    first, _ = await wallets_of(tx, family.child)
    assert first.balance_cents == 300
