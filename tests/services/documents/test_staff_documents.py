"""Staff's documents at the service: read counts, versions kept by the sweep, what may be
replaced or withdrawn, and by whom."""

import asyncio
import os
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlmodel import col

from models.accounts import Role
from models.documents import Document, DocumentKind, DocumentVersion
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.documents.access import mark_read
from services.documents.publishing import Audience, sweep_unrecorded_files
from services.documents.staff import (
    PublishedFilter,
    published_documents,
    read_counts,
    replace_document_file,
    withdraw_document,
)
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from settings import Settings
from storage.local import LocalStorage
from tests.factories import Person, make_document, make_family, make_school, make_user, pk
from tests.support.files import pdf_bytes


def actor_of(person: Person, role: Role = Role.PARENT) -> Actor:
    return Actor(person.id, person.user.school_id, role, "fr")


async def test_read_counts_and_a_replaced_file_kept_from_the_sweep(
    tx: Transactions, runtime: Runtime, settings: Settings
) -> None:
    school = await make_school(tx)
    staff = actor_of(await make_user(tx, school, Role.STAFF), Role.STAFF)
    family = await make_family(tx, school, children=2)
    await make_family(tx, school)  # another family: its parent has not read it
    document = await make_document(tx, school, Audience.whole_school())
    doc_id = pk(document)
    await tx.run(lambda uow: mark_read(uow, actor_of(family.parent), doc_id))
    await tx.run(lambda uow: mark_read(uow, staff, doc_id))
    async with runtime.database.read() as session:
        # Guardians: the family's parent (read it) and the other family's; staff not counted.
        assert (await read_counts(session, [doc_id]))[doc_id] == (3, 2, 1)
    storage = LocalStorage(settings.documents_dir)

    replaced = await replace_document_file(
        tx, storage, staff, doc_id, data=pdf_bytes("v2"), file_name="v2.pdf", declared_type=None
    )

    assert (replaced.document.version, replaced.readers) == (2, 0)
    old = (settings.clock() - timedelta(hours=2)).timestamp()
    for key in (document.storage_key, replaced.document.storage_key):
        os.utime(Path(settings.documents_dir) / key, (old, old))
    async with runtime.database.read() as session:
        removed = await sweep_unrecorded_files(
            session, storage, older_than=settings.clock() - timedelta(hours=1)
        )
    assert document.storage_key not in removed and await storage.exists(document.storage_key)


async def test_only_the_schools_staff_replace_or_withdraw_uploads(
    tx: Transactions, runtime: Runtime, settings: Settings
) -> None:
    school = await make_school(tx)
    staff = actor_of(await make_user(tx, school, Role.STAFF), Role.STAFF)
    outsider = actor_of(await make_user(tx, await make_school(tx), Role.STAFF), Role.STAFF)
    family = await make_family(tx, school)
    document = await make_document(tx, school, Audience.child(pk(family.child)))
    doc_id = pk(document)
    storage = LocalStorage(settings.documents_dir)

    for actor, code in ((actor_of(family.parent), "FORBIDDEN"), (outsider, "NOT_FOUND")):
        with pytest.raises(DomainError) as refused:
            await tx.run(partial(withdraw_document, actor=actor, document_id=doc_id))
        assert refused.value.code.value == code
        with pytest.raises(DomainError) as refused:
            await replace_document_file(
                tx,
                storage,
                actor,
                doc_id,
                data=pdf_bytes("x"),
                file_name="x.pdf",
                declared_type=None,
            )
        assert refused.value.code.value == code
    async with runtime.database.read() as session:
        with pytest.raises(DomainError):
            await published_documents(session, actor_of(family.parent), PublishedFilter())
        page = await published_documents(session, outsider, PublishedFilter())
        assert page.items == []

    # Generated documents (invoices...) belong to billing: not withdrawn here.
    invoice = update(Document).where(col(Document.id) == doc_id).values(kind=DocumentKind.INVOICE)
    await tx.run(lambda uow: uow.session.execute(invoice))
    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: withdraw_document(uow, staff, doc_id))
    assert refused.value.code == ErrorCode.INVALID_INPUT


async def test_two_replacements_at_once_make_two_versions_and_one_withdrawal_wins(
    tx: Transactions, runtime: Runtime, settings: Settings
) -> None:
    school = await make_school(tx)
    staff = actor_of(await make_user(tx, school, Role.STAFF), Role.STAFF)
    await make_family(tx, school)
    document = await make_document(tx, school, Audience.whole_school())
    doc_id = pk(document)
    storage = LocalStorage(settings.documents_dir)

    replaced = await asyncio.gather(
        *(
            replace_document_file(
                tx,
                storage,
                staff,
                doc_id,
                data=pdf_bytes(name),
                file_name=f"{name}.pdf",
                declared_type=None,
            )
            for name in ("a", "b")
        )
    )

    assert sorted(r.document.version for r in replaced) == [2, 3]
    async with runtime.database.read() as session:
        kept = (
            await session.scalars(
                select(col(DocumentVersion.version)).where(
                    col(DocumentVersion.document_id) == doc_id
                )
            )
        ).all()
    assert sorted(kept) == [1, 2]
    outcomes = await asyncio.gather(
        *(tx.run(partial(withdraw_document, actor=staff, document_id=doc_id)) for _ in range(2)),
        return_exceptions=True,
    )
    errors = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(errors) == 1 and errors[0].code == ErrorCode.ALREADY_CANCELLED
