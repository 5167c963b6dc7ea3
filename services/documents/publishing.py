"""Publishing documents: staff uploads and generated files (invoices, photo orders) alike.

A document goes to a child, a class or the whole school; the children it reaches are fixed
when it is published (`document_recipients`), so a class letter stays with the pupils who
were in the class then, and their guardians get a mail in their language. The file is
checked on its bytes before anything is written, and a refused or failed publication leaves
neither a row nor a file behind.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.documents import Document, DocumentKind, DocumentRecipient, DocumentVersion
from models.family import Child, Guardianship, School
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.common.notify import send_mail
from services.documents.files import CheckedFile, check_file
from services.family.children import guardians_still_see, require_staff
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage

log = logging.getLogger(__name__)
MAX_TITLE = 200


@dataclass(frozen=True)
class Audience:
    """Exactly one child, one class, or (neither) the whole school."""

    child_id: int | None = None
    class_name: str | None = None

    @classmethod
    def child(cls, child_id: int) -> "Audience":
        return cls(child_id=child_id)

    @classmethod
    def school_class(cls, class_name: str) -> "Audience":
        return cls(class_name=class_name)

    @classmethod
    def whole_school(cls) -> "Audience":
        return cls()


@dataclass(frozen=True)
class NewDocument:
    title: str
    date: date
    audience: Audience
    kind: str = DocumentKind.UPLOADED


def check_may_publish(actor: Actor) -> None:
    """Only staff publish documents: FORBIDDEN for parents and teachers (the upload route asks
    before reading the file)."""
    require_staff(actor)


async def upload_document(
    transactions: Transactions,
    storage: DocumentStorage,
    actor: Actor,
    new: NewDocument,
    *,
    data: bytes,
    file_name: str,
    declared_type: str | None,
) -> Document:
    """Staff publish a file. Checked before anything is stored; the file is written first,
    then the rows in one transaction, and the file is removed again if that fails."""
    check_may_publish(actor)
    checked = check_file(
        data, file_name, declared_type, max_bytes=transactions.settings.documents_max_bytes
    )
    _check_metadata(new)
    key = await storage.save(checked.data)
    try:
        return await transactions.run(
            lambda uow: record_document(
                uow, actor.school_id, checked, key, new, published_by=actor.user_id
            )
        )
    except BaseException:
        if not await recorded(transactions, key):
            await storage.delete(key)
        raise


async def publish_document(
    uow: UnitOfWork,
    storage: DocumentStorage,
    school_id: int,
    new: NewDocument,
    *,
    data: bytes,
    file_name: str,
    content_type: str | None = None,
    published_by: int | None = None,
    notify: bool = True,
) -> Document:
    """A generated document (invoice, photo order...) inside the caller's transaction.

    The file is written before the caller commits; if the caller then rolls back, the file
    has no row and `sweep_unrecorded_files` removes it.
    """
    checked = check_file(data, file_name, content_type, max_bytes=uow.settings.documents_max_bytes)
    _check_metadata(new)
    key = await storage.save(checked.data)
    return await record_document(
        uow, school_id, checked, key, new, published_by=published_by, notify=notify
    )


def _check_metadata(new: NewDocument) -> None:
    title = new.title.strip()
    if not title or len(title) > MAX_TITLE:
        raise DomainError(ErrorCode.INVALID_INPUT, "title")
    if not new.kind or len(new.kind) > 32:
        raise DomainError(ErrorCode.INVALID_INPUT, "kind")
    if new.audience.child_id is not None and new.audience.class_name is not None:
        raise DomainError(ErrorCode.INVALID_INPUT, "audience")


async def record_document(
    uow: UnitOfWork,
    school_id: int,
    checked: CheckedFile,
    storage_key: str,
    new: NewDocument,
    *,
    published_by: int | None = None,
    notify: bool = True,
) -> Document:
    """The rows for a stored file: the document, one recipient per child reached, the mails."""
    _check_metadata(new)
    audience = new.audience
    class_name = (audience.class_name or "").strip() or None
    if audience.class_name is not None and class_name is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "className")
    if audience.child_id is not None:
        child = await uow.session.get(Child, audience.child_id)
        if child is None or child.school_id != school_id:
            raise NotFound("childId")
    document = Document(
        school_id=school_id,
        kind=new.kind,
        title=new.title.strip(),
        date=new.date,
        child_id=audience.child_id,
        class_name=class_name,
        file_name=checked.file_name,
        content_type=checked.content_type,
        size_bytes=len(checked.data),
        sha256=checked.sha256,
        storage_key=storage_key,
        published_by=published_by,
        created_at=uow.now,
    )
    uow.session.add(document)
    await uow.session.flush()
    assert document.id is not None
    if await _add_recipients(uow, document, audience.child_id, class_name) == 0:
        # An empty class is most likely a typo: better refused than published to nobody.
        raise NotFound("className")
    if notify:
        await mail_guardians(uow, document)
    return document


async def _add_recipients(
    uow: UnitOfWork, document: Document, child_id: int | None, class_name: str | None
) -> int:
    """One INSERT ... SELECT, whatever the size of the class or school."""
    children = select(
        literal(document.school_id),
        literal(document.id),
        col(Child.id),
        literal(document.date),
    ).where(col(Child.school_id) == document.school_id)
    if child_id is not None:
        children = children.where(col(Child.id) == child_id)
    elif class_name is not None:
        children = children.where(col(Child.class_name) == class_name)
    result = await uow.session.execute(
        insert(DocumentRecipient).from_select(
            ["school_id", "document_id", "child_id", "date"], children
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def mail_guardians(uow: UnitOfWork, document: Document, *, updated: bool = False) -> None:
    """One mail per guardian, naming which of their children the document is for (`updated`:
    a new version of its file, said so). Not to a leaver's guardians whose access has ended:
    the link would lead nowhere. send_mail respects each one's mail preferences."""
    rows = (
        await uow.session.execute(
            select(User, col(Child.first_name))
            .join(Guardianship, col(Guardianship.parent_id) == col(User.id))
            .join(DocumentRecipient, col(DocumentRecipient.child_id) == col(Guardianship.child_id))
            .join(Child, col(Child.id) == col(DocumentRecipient.child_id))
            .where(col(DocumentRecipient.document_id) == document.id, guardians_still_see(uow.now))
            .order_by(col(User.id), col(Child.first_name), col(Child.id))
        )
    ).all()
    if not rows:
        return
    school = await uow.session.get(School, document.school_id)
    assert school is not None
    children_of: dict[int, tuple[User, list[str]]] = {}
    for user, first_name in rows:
        assert user.id is not None
        children_of.setdefault(user.id, (user, []))[1].append(first_name)
    for user, names in children_of.values():
        await send_mail(
            uow,
            to=user.email,
            template="document_published",
            locale=user.locale,
            school_id=document.school_id,
            context={
                "school_name": school.name,
                "display_name": user.display_name,
                "children": names,
                "title": document.title,
                "date": document.date,
                "time_zone": school.timezone,
                "updated": updated,
            },
        )


async def recorded(transactions: Transactions, storage_key: str) -> bool:
    """Whether a row names this file (the commit may have happened before a late failure)."""

    async def look(session: AsyncSession) -> bool:
        found = await session.scalar(
            select(col(Document.id)).where(col(Document.storage_key) == storage_key)
        )
        return found is not None

    try:
        return await transactions.read(look)
    except Exception:
        log.warning("could not tell whether %s was recorded; keeping it", storage_key)
        return True


async def sweep_unrecorded_files(
    session: AsyncSession, storage: DocumentStorage, *, older_than: datetime
) -> list[str]:
    """Remove stored files that no document names and that were written before `older_than`
    (generated documents whose transaction rolled back, or a crash between file and commit).
    Recent files are left alone: their transaction may still be running."""
    candidates = [f.key for f in await storage.files() if f.modified_at < older_than]
    if not candidates:
        return []
    known: set[str] = set()
    for start in range(0, len(candidates), 500):
        batch = candidates[start : start + 500]
        for key_column in (col(Document.storage_key), col(DocumentVersion.storage_key)):
            # A replaced document's former files are kept for the record, like its current one.
            rows = await session.scalars(select(key_column).where(key_column.in_(batch)))
            known.update(rows.all())
    removed = [key for key in candidates if key not in known]
    for key in removed:
        await storage.delete(key)
    return removed
