"""invoiceChanged's service side: what each change emits (and what it does not), the payload
as a watcher reads it, and the snapshot's access check and position."""

import functools
from datetime import date
from typing import Any

import pytest

from models.accounts import Role
from models.billing import InvoicePaymentMethod
from models.family import School
from services.accounts.actor import Actor
from services.billing.crediting import credit_invoice
from services.billing.issuing import issue_invoice
from services.billing.live import LiveInvoice, invoice_channel, invoice_snapshot
from services.billing.paying import pay_invoice
from services.billing.publishing import publish_invoices
from services.billing.views import InvoiceView, LineInput
from services.common.errors import NotFound
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings
from storage.local import LocalStorage
from tests.factories import make_family, make_school, make_user, pk
from tests.support.ledger import assert_ledger_balanced

Events = list[tuple[str, dict[str, Any]]]


async def _issued(tx: Transactions) -> tuple[InvoiceView, Actor, Actor]:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school)
    staff_actor = Actor(staff.id, pk(school), Role.STAFF, "fr")
    parent = Actor(family.parent.id, pk(school), Role.PARENT, "fr")
    child_id = pk(family.children[0])
    invoice = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff_actor,
            child_id,
            "Classe verte",
            [LineInput("Séjour", 1, 100_00), LineInput("Repas", 4, 5_00)],
            date(2026, 12, 1),
            date(2026, 12, 18),
        )
    )
    return invoice, parent, staff_actor


async def _transfer(tx: Transactions, invoice: InvoiceView, cents: int, ref: str) -> Events:
    async def work(uow: UnitOfWork) -> Events:
        await pay_invoice(
            uow, invoice.id, cents, InvoicePaymentMethod.BANK_TRANSFER, source_ref=ref
        )
        return list(uow.events)

    return await tx.run(work)


def _invoice_events(events: Events, invoice: InvoiceView) -> list[dict[str, Any]]:
    return [payload for channel, payload in events if channel == invoice_channel(invoice.child_id)]


async def test_an_unpublished_invoice_emits_nothing_until_its_publication_tells_all(
    tx: Transactions, settings: Settings
) -> None:
    invoice, parent, _ = await _issued(tx)
    assert _invoice_events(await _transfer(tx, invoice, 30_00, "t:1"), invoice) == []
    # Not published: the parent's snapshot does not show it either.
    assert (await tx.read(lambda s: invoice_snapshot(s, parent, invoice.child_id)))[1] == []

    storage = LocalStorage(settings.documents_dir)
    assert await publish_invoices(tx, storage, [invoice.id]) == [invoice.id]
    position, [live] = await tx.read(lambda s: invoice_snapshot(s, parent, invoice.child_id))
    assert position == 1  # the publication's event
    assert live.invoice.paid_cents == 30_00
    assert [(p.amount_cents, p.method) for p in live.payments] == [(30_00, "BANK_TRANSFER")]
    assert [(x.label, x.quantity, x.unit_price_cents) for x in live.lines] == [
        ("Séjour", 1, 100_00),
        ("Repas", 4, 5_00),
    ]
    await assert_ledger_balanced(tx)


async def test_payments_and_credit_notes_emit_the_invoice_as_it_now_stands(
    tx: Transactions, settings: Settings
) -> None:
    invoice, parent, staff = await _issued(tx)
    await publish_invoices(tx, LocalStorage(settings.documents_dir), [invoice.id])

    [paid] = _invoice_events(await _transfer(tx, invoice, 150_00, "t:2"), invoice)
    assert paid["change"] == "PAYMENT"
    assert paid["sequence"] == 2
    live = LiveInvoice.from_json(paid["invoice"])
    assert (live.invoice.paid_cents, live.invoice.due_cents) == (120_00, 0)  # 30,00 to the wallet
    assert LiveInvoice.from_json(live.to_json()) == live

    # The same transfer again changes nothing and tells nothing.
    assert _invoice_events(await _transfer(tx, invoice, 150_00, "t:2"), invoice) == []

    async def credit(uow: UnitOfWork) -> Events:
        await credit_invoice(uow, staff, invoice.id, 20_00, "Un repas de moins")
        return list(uow.events)

    [credited] = _invoice_events(await tx.run(credit), invoice)
    assert credited["change"] == "CREDIT_NOTE"
    assert credited["sequence"] == 3
    after = LiveInvoice.from_json(credited["invoice"])
    assert (after.invoice.paid_cents, after.invoice.credited_cents) == (100_00, 20_00)
    assert [(p.amount_cents, p.method) for p in after.payments] == [
        (120_00, "BANK_TRANSFER"),
        (-20_00, "CREDIT_REFUND"),
    ]
    position, [shown] = await tx.read(lambda s: invoice_snapshot(s, parent, invoice.child_id))
    assert (position, shown) == (3, after)
    await assert_ledger_balanced(tx)


async def test_the_snapshot_is_the_childs_guardians_alone(tx: Transactions) -> None:
    invoice, parent, staff = await _issued(tx)
    school = await tx.read(lambda s: s.get(School, parent.school_id))
    assert school is not None
    stranger = await make_family(tx, school)
    elsewhere = await make_school(tx)
    neighbour = await make_family(tx, elsewhere)
    child_id = invoice.child_id
    for actor in (
        Actor(stranger.parent.id, parent.school_id, Role.PARENT, "fr"),
        Actor(neighbour.parent.id, pk(elsewhere), Role.PARENT, "fr"),
    ):
        with pytest.raises(NotFound):
            await tx.read(functools.partial(invoice_snapshot, actor=actor, child_id=child_id))
    # Staff may watch too; the snapshot shows what the events show: published invoices only.
    assert await tx.read(lambda s: invoice_snapshot(s, staff, invoice.child_id)) == (0, [])
