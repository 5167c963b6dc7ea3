"""Document services directly: the batched unread list for dashboards, and no stray files."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from models.accounts import Role
from models.documents import Document
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.documents.access import latest_unread_documents, mark_read
from services.documents.publishing import (
    Audience,
    NewDocument,
    check_may_publish,
    publish_document,
    sweep_unrecorded_files,
)
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings
from storage.local import LocalStorage
from tests.factories import (
    Person,
    make_child,
    make_document,
    make_family,
    make_school,
    make_user,
    pk,
)
from tests.support.files import pdf_bytes
from tests.support.statements import count_statements


def actor_of(person: Person, role: Role = Role.PARENT) -> Actor:
    return Actor(person.id, person.user.school_id, role, "fr")


async def test_latest_unread_for_many_children_is_one_statement(
    tx: Transactions, runtime: Runtime
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school, children=5)
    stranger = await make_family(tx, school)
    ids = [pk(c) for c in family.children]
    parent = actor_of(family.parent)
    school_wide = await make_document(tx, school, Audience.whole_school(), day=date(2026, 9, 1))
    own = {}
    for n, child in enumerate(family.children):
        own[child.id] = [
            await make_document(
                tx, school, Audience(child_id=child.id), day=date(2026, 10, 1) + timedelta(days=k)
            )
            for k in range(n)
        ]
    await tx.run(lambda uow: mark_read(uow, parent, pk(own[ids[3]][2])))

    async with runtime.database.read() as session:
        with count_statements(runtime.database.engine) as statements:
            found = await latest_unread_documents(
                session, parent, [*ids, pk(stranger.child)], limit=2
            )
    assert len(statements) == 1
    expected = {
        ids[0]: [school_wide.id],
        ids[1]: [own[ids[1]][0].id, school_wide.id],
        ids[2]: [own[ids[2]][1].id, own[ids[2]][0].id],
        ids[3]: [own[ids[3]][1].id, own[ids[3]][0].id],  # the newest is read
        ids[4]: [own[ids[4]][3].id, own[ids[4]][2].id],
        stranger.child.id: [],  # another family's child: nothing, as if it had none
    }
    assert {k: [d.id for d in v] for k, v in found.items()} == expected


async def test_a_failed_upload_transaction_removes_its_file(
    tx: Transactions, settings: Settings
) -> None:
    from services.documents.publishing import upload_document

    school = await make_school(tx)
    staff = await make_user(tx, school, Role.STAFF)
    storage = LocalStorage(settings.documents_dir)
    before = set(await storage.files())
    new = NewDocument("Lettre", date(2026, 11, 2), Audience(child_id=10**9))
    with pytest.raises(NotFound):
        await upload_document(
            tx,
            storage,
            actor_of(staff, Role.STAFF),
            new,
            data=pdf_bytes(),
            file_name="lettre.pdf",
            declared_type="application/pdf",
        )
    assert set(await storage.files()) == before


async def test_files_of_rolled_back_generated_documents_are_swept(
    tx: Transactions, runtime: Runtime, settings: Settings
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school)
    storage = LocalStorage(settings.documents_dir)
    kept = await make_document(tx, school, Audience(child_id=family.child.id))
    assert school.id is not None
    school_id = school.id

    class Abandoned(Exception):
        pass

    async def generate_then_fail(uow: UnitOfWork) -> None:
        await publish_document(
            uow,
            storage,
            school_id,
            NewDocument(
                "Facture", date(2026, 11, 2), Audience(child_id=family.child.id), "invoice"
            ),
            data=pdf_bytes("Facture"),
            file_name="facture.pdf",
        )
        raise Abandoned()

    before = {f.key for f in await storage.files()}
    with pytest.raises(Abandoned):
        await tx.run(generate_then_fail)
    [orphan] = {f.key for f in await storage.files()} - before
    now = settings.clock()
    async with runtime.database.read() as session:
        # Too recent: its transaction might still be running.
        assert orphan not in await sweep_unrecorded_files(session, storage, older_than=now)
    old = (now - timedelta(hours=2)).timestamp()
    for key in (orphan, kept.storage_key):
        os.utime(Path(settings.documents_dir) / key, (old, old))
    async with runtime.database.read() as session:
        removed = await sweep_unrecorded_files(
            session, storage, older_than=now - timedelta(hours=1)
        )
    assert orphan in removed and kept.storage_key not in removed
    assert not await storage.exists(orphan)
    assert await storage.exists(kept.storage_key)


async def test_storage_keys_never_leave_the_directory(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "docs")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    for key in ["../secret.txt", "../../etc/passwd", "/etc/passwd", "ab/../../secret.txt"]:
        assert await storage.exists(key) is False
        await storage.delete(key)
    assert secret.exists()
    key = await storage.save(b"hello")
    assert b"".join([chunk async for chunk in storage.stream(key)]) == b"hello"
    assert oct((tmp_path / "docs" / key).stat().st_mode & 0o777) == "0o600"


async def test_generated_documents_keep_their_kind(tx: Transactions, runtime: Runtime) -> None:
    school = await make_school(tx)
    child = await make_child(tx, school)
    assert school.id is not None and child.id is not None
    school_id, child_id = school.id, child.id
    storage = LocalStorage(runtime.settings.documents_dir)

    async def generate(uow: UnitOfWork) -> Document:
        return await publish_document(
            uow,
            storage,
            school_id,
            NewDocument(
                "Commande photos", date(2026, 11, 2), Audience(child_id=child_id), "photo_order"
            ),
            data=pdf_bytes(),
            file_name="commande.pdf",
        )

    document = await tx.run(generate)
    assert (document.kind, document.content_type) == ("photo_order", "application/pdf")


@pytest.mark.parametrize("role", [Role.PARENT, Role.TEACHER])
async def test_only_staff_publish_documents(
    tx: Transactions, settings: Settings, role: Role
) -> None:
    from services.documents.publishing import upload_document

    school = await make_school(tx)
    person = await make_user(tx, school, role)
    storage = LocalStorage(settings.documents_dir)
    before = set(await storage.files())
    with pytest.raises(DomainError) as refused:
        check_may_publish(actor_of(person, role))
    assert refused.value.code == ErrorCode.FORBIDDEN
    new = NewDocument("Lettre", date(2026, 11, 2), Audience.whole_school())
    with pytest.raises(DomainError) as refused:
        await upload_document(
            tx,
            storage,
            actor_of(person, role),
            new,
            data=pdf_bytes(),
            file_name="lettre.pdf",
            declared_type="application/pdf",
        )
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert set(await storage.files()) == before
