"""Issuing one invoice per child: targets, idempotency by key, refusals that write nothing."""

import asyncio
from datetime import date

import pytest

from models.accounts import Role
from services.accounts.actor import Actor
from services.billing.bulk import InvoiceTarget, issue_invoices
from services.billing.views import LineInput
from services.common.errors import DomainError, ErrorCode, NotFound
from services.documents.access import DocumentPage, child_documents
from services.sql.uow import Transactions
from settings import Settings
from storage.local import LocalStorage
from tests.factories import make_family, make_school, make_user, pk, set_class

LINES = [LineInput("Bus", 1, 12_50)]
ISSUED, DUE = date(2026, 12, 1), date(2026, 12, 18)


async def _setup(tx: Transactions) -> tuple[Actor, list[Actor], list[int]]:
    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    parents, children = [], []
    for n in range(3):
        family = await make_family(tx, school)
        parents.append(Actor(family.parent.id, pk(school), Role.PARENT, "fr"))
        children.append(pk(family.children[0]))
        if n == 2:
            await set_class(tx, family.children[0], "2B")
    return Actor(staff.id, pk(school), Role.STAFF, "fr"), parents, children


async def test_a_class_gets_one_published_invoice_per_child_with_gap_free_numbers(
    tx: Transactions, settings: Settings
) -> None:
    staff, parents, children = await _setup(tx)
    storage = LocalStorage(settings.documents_dir)
    issued = await issue_invoices(
        tx, storage, staff, InvoiceTarget.school_class("1A"), "Bus", LINES, ISSUED, DUE, "k1"
    )
    assert sorted(i.child_id for i in issued) == children[:2]
    assert [i.number for i in issued] == [issued[0].number, issued[0].number + 1]
    assert all(i.document_id is not None and i.total_cents == 12_50 for i in issued)
    for parent, child_id in zip(parents[:2], children[:2], strict=True):
        page = await _documents(tx, parent, child_id)
        assert [v.document.kind for v in page.items] == ["invoice"]
    untouched = await tx.read(lambda s: child_documents(s, parents[2], children[2]))
    assert untouched.items == []


async def _documents(tx: Transactions, parent: Actor, child_id: int) -> DocumentPage:
    return await tx.read(lambda session: child_documents(session, parent, child_id))


async def test_same_key_same_answer_other_arguments_conflict(
    tx: Transactions, settings: Settings
) -> None:
    staff, _, children = await _setup(tx)
    storage = LocalStorage(settings.documents_dir)
    target = InvoiceTarget.children(children)
    first = await issue_invoices(tx, storage, staff, target, "Bus", LINES, ISSUED, DUE, "k2")
    again = await issue_invoices(tx, storage, staff, target, "Bus", LINES, ISSUED, DUE, "k2")
    assert again == first and len(first) == 3
    with pytest.raises(DomainError) as refused:
        await issue_invoices(tx, storage, staff, target, "Piscine", LINES, ISSUED, DUE, "k2")
    assert refused.value.code == ErrorCode.IDEMPOTENCY_CONFLICT


async def test_racing_retries_of_one_key_issue_once(tx: Transactions, settings: Settings) -> None:
    staff, _, children = await _setup(tx)
    storage = LocalStorage(settings.documents_dir)
    target = InvoiceTarget.whole_school()
    answers = await asyncio.gather(
        *(
            issue_invoices(tx, storage, staff, target, "Bus", LINES, ISSUED, DUE, "k3")
            for _ in range(5)
        )
    )
    assert all(answer == answers[0] for answer in answers)
    assert sorted(i.child_id for i in answers[0]) == children
    assert len({i.document_id for i in answers[0]}) == 3


async def test_refusals_issue_nothing(tx: Transactions, settings: Settings) -> None:
    staff, parents, children = await _setup(tx)
    storage = LocalStorage(settings.documents_dir)
    stranger = await make_family(tx, await make_school(tx))
    with pytest.raises(DomainError) as forbidden:
        await issue_invoices(
            tx,
            storage,
            parents[0],
            InvoiceTarget.children(children[:1]),
            "Bus",
            LINES,
            ISSUED,
            DUE,
            "k4",
        )
    assert forbidden.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(NotFound):
        await issue_invoices(
            tx,
            storage,
            staff,
            InvoiceTarget.children([children[0], pk(stranger.children[0])]),
            "Bus",
            LINES,
            ISSUED,
            DUE,
            "k5",
        )
    with pytest.raises(NotFound):
        await issue_invoices(
            tx, storage, staff, InvoiceTarget.school_class("9Z"), "Bus", LINES, ISSUED, DUE, "k6"
        )
    with pytest.raises(DomainError) as bad:
        await issue_invoices(
            tx,
            storage,
            staff,
            InvoiceTarget.whole_school(),
            "Bus",
            [LineInput("Bus", 0, 5)],
            ISSUED,
            DUE,
            "k7",
        )
    assert bad.value.code == ErrorCode.INVALID_INPUT
    page = await tx.read(lambda s: child_documents(s, parents[0], children[0]))
    assert page.items == []
    # The refused key is free again: the corrected request goes through.
    done = await issue_invoices(
        tx, storage, staff, InvoiceTarget.children(children[:1]), "Bus", LINES, ISSUED, DUE, "k5"
    )
    assert [i.child_id for i in done] == children[:1]
