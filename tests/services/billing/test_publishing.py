"""Publishing issued invoices: the PDF a parent opens, its QR code, who sees it, the mail."""

import asyncio
from datetime import date

import pytest

from models.accounts import Role
from models.billing import InvoicePaymentMethod
from services.accounts.actor import Actor
from services.billing.issuing import issue_invoice
from services.billing.paying import pay_invoice
from services.billing.publishing import publish_invoices
from services.billing.views import InvoiceView, LineInput
from services.common.errors import NotFound
from services.documents.access import child_documents
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from settings import Settings
from storage.local import LocalStorage
from tests.factories import make_family, make_school, make_user, pk
from tests.support.mail import mails_to, text_of
from tests.support.pdf import pdf_text, qr_payloads


async def _issued(tx: Transactions, locale: str = "fr") -> tuple[InvoiceView, Actor, Actor]:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    family = await make_family(tx, school, locale=locale)
    staff_actor = Actor(staff.id, pk(school), Role.STAFF, "fr")
    parent = Actor(family.parent.id, pk(school), Role.PARENT, locale)
    child_id = pk(family.children[0])
    invoice = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff_actor,
            child_id,
            "Classe verte",
            [LineInput("Séjour", 1, 120_00), LineInput("Repas", 4, 6_25)],
            date(2026, 12, 1),
            date(2026, 12, 18),
        )
    )
    return invoice, parent, staff_actor


async def test_the_pdf_carries_number_total_iban_communication_and_the_epc_code(
    tx: Transactions, settings: Settings
) -> None:
    invoice, parent, _ = await _issued(tx)
    storage = LocalStorage(settings.documents_dir)
    assert await publish_invoices(tx, storage, [invoice.id]) == [invoice.id]

    page = await tx.read(lambda s: child_documents(s, parent, invoice.child_id))
    [view] = page.items
    assert view.document.kind == "invoice"
    data = b"".join([chunk async for chunk in storage.stream(view.document.storage_key)])
    text = pdf_text(data)
    assert f"2026-{invoice.number:04d}" in text
    assert "145,00" in text  # 120,00 + 4 × 6,25
    assert "BE71 0961 2345 6769" in text
    assert invoice.communication in text
    [payload] = qr_payloads(data)
    fields = payload.split(b"\n")
    assert fields[:3] == [b"BCD", b"002", b"1"]
    assert fields[3] == b"SCT"
    assert fields[6] == b"BE71096123456769"
    assert fields[7] == b"EUR145"  # 145.00 €, as segno writes it
    assert fields[9] == invoice.communication.strip("+").replace("/", "").encode()


async def test_only_the_childs_guardians_see_the_invoice_document(
    tx: Transactions, settings: Settings
) -> None:
    invoice, parent, _ = await _issued(tx)
    school_id = parent.school_id
    stranger = await make_user(tx, await make_school(tx), Role.PARENT)
    other_parent = Actor(stranger.id, school_id, Role.PARENT, "fr")
    # Before publication the parent sees no document; after, exactly one.
    before = await tx.read(lambda s: child_documents(s, parent, invoice.child_id))
    assert before.items == []
    await publish_invoices(tx, LocalStorage(settings.documents_dir), [invoice.id])
    after = await tx.read(lambda s: child_documents(s, parent, invoice.child_id))
    assert len(after.items) == 1
    with pytest.raises(NotFound):
        await tx.read(lambda s: child_documents(s, other_parent, invoice.child_id))


async def test_racing_publishers_leave_one_document_and_one_mail(
    tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    invoice, parent, _ = await _issued(tx, locale="nl")
    storage = LocalStorage(settings.documents_dir)
    before = {f.key for f in await storage.files()}
    results = await asyncio.gather(*(publish_invoices(tx, storage, [invoice.id]) for _ in range(4)))
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    page = await tx.read(lambda s: child_documents(s, parent, invoice.child_id))
    assert len(page.items) == 1
    assert {f.key for f in await storage.files()} - before == {page.items[0].document.storage_key}
    email = await _email_of(tx, parent)
    [mail] = await mails_to(runtime, email)
    assert f"2026-{invoice.number:04d}" in str(mail["Subject"])
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert "Betalingsverzoek" in pdf_text(attachment.get_content())  # the guardian's language


async def _email_of(tx: Transactions, actor: Actor) -> str:
    from models.accounts import User

    async def read(session: object) -> str:
        user = await session.get(User, actor.user_id)  # type: ignore[attr-defined]
        assert user is not None
        return str(user.email)

    return await tx.read(read)


async def test_the_payment_that_completes_a_published_invoice_mails_one_receipt(
    tx: Transactions, settings: Settings, runtime: Runtime
) -> None:
    invoice, parent, _ = await _issued(tx, locale="en")
    await publish_invoices(tx, LocalStorage(settings.documents_dir), [invoice.id])
    email = await _email_of(tx, parent)

    async def pay(cents: int, ref: str) -> None:
        await tx.run(
            lambda uow: pay_invoice(
                uow, invoice.id, cents, InvoicePaymentMethod.BANK_TRANSFER, source_ref=ref
            )
        )

    await pay(100_00, "t1")
    assert len(await mails_to(runtime, email)) == 1  # the invoice mail only
    await pay(45_00 + 10_00, "t2")  # completes it; the excess goes to the wallet
    await pay(5_00, "t3")  # nothing due any more: no second receipt
    mails = await mails_to(runtime, email)
    assert len(mails) == 2
    assert "payment received" in str(mails[1]["Subject"])
    assert "€145.00" in text_of(mails[1])


async def test_an_unpublished_invoice_paid_sends_no_receipt(
    tx: Transactions, runtime: Runtime
) -> None:
    invoice, parent, _ = await _issued(tx)
    await tx.run(
        lambda uow: pay_invoice(
            uow, invoice.id, 145_00, InvoicePaymentMethod.BANK_TRANSFER, source_ref="t1"
        )
    )
    assert await mails_to(runtime, await _email_of(tx, parent)) == []


async def test_the_pdf_carries_the_school_s_name_and_address(
    tx: Transactions, settings: Settings
) -> None:
    school = await make_school(
        tx,
        name="École communale Les Tilleuls",
        address_street="Avenue des Tilleuls 27",
        address_postcode="4000",
        address_city="Liège",
    )
    staff = Actor((await make_user(tx, school, Role.STAFF)).id, pk(school), Role.STAFF, "fr")
    family = await make_family(tx, school)
    parent = Actor(family.parent.id, pk(school), Role.PARENT, "fr")
    invoice = await tx.run(
        lambda uow: issue_invoice(
            uow,
            staff,
            pk(family.children[0]),
            "Piscine",
            [LineInput("Entrée", 2, 3_50)],
            date(2026, 12, 1),
            date(2026, 12, 18),
        )
    )
    storage = LocalStorage(settings.documents_dir)
    assert await publish_invoices(tx, storage, [invoice.id]) == [invoice.id]
    [view] = (await tx.read(lambda s: child_documents(s, parent, invoice.child_id))).items
    data = b"".join([chunk async for chunk in storage.stream(view.document.storage_key)])
    lines = pdf_text(data).splitlines()
    assert lines[:3] == ["École communale Les Tilleuls", "Avenue des Tilleuls 27", "4000 Liège"]
