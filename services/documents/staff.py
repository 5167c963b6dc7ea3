"""Staff's side of documents: what the school published (with how many guardians read each),
replacing a file by a new version, withdrawing a document.

Replacing keeps the former file (a `document_versions` row names it, so the sweep leaves it)
and resets the read markers: the new file is unread for every guardian again and comes back
in their unread lists, since a replaced letter usually corrects something they must see.
Withdrawing hides the document from families at once (lists, by id, download links already
handed out); staff still see it, and its file stays, for the record. Only staff uploads
(kind "uploaded") are replaced or withdrawn: invoices and photo orders belong to billing.
"""

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.documents import (
    Document,
    DocumentKind,
    DocumentRead,
    DocumentRecipient,
    DocumentVersion,
)
from models.family import Child, Guardianship
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.documents.files import check_file
from services.documents.publishing import mail_guardians, recorded
from services.family.children import require_staff
from services.sql.audit import AuditContext
from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage

MAX_PAGE = 100


@dataclass(frozen=True)
class PublishedFilter:
    child_id: int | None = None
    class_name: str | None = None  # the audience chosen at publication
    kind: str | None = None
    withdrawn: bool | None = None  # None: both


@dataclass(frozen=True)
class Published:
    """A document as staff see it: how many children it reached, how many of their guardians
    there are and how many of them have opened it (staff's own reads not counted)."""

    document: Document
    children: int
    guardians: int
    readers: int
    read: bool = False  # by the staff member asking


@dataclass(frozen=True)
class PublishedPage:
    items: list[Published]
    has_next: bool


async def published_documents(
    session: AsyncSession,
    actor: Actor,
    filter: PublishedFilter,
    *,
    first: int = 20,
    after_id: int | None = None,
) -> PublishedPage:
    """The school's documents, newest publication first, paged by id in SQL."""
    require_staff(actor)
    if not 1 <= first <= MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, "first")
    query = select(Document).where(col(Document.school_id) == actor.school_id)
    if filter.child_id is not None:
        child = await session.get(Child, filter.child_id)
        if child is None or child.school_id != actor.school_id:
            raise NotFound("childId")
        query = query.where(
            col(Document.id).in_(
                select(col(DocumentRecipient.document_id)).where(
                    col(DocumentRecipient.child_id) == filter.child_id
                )
            )
        )
    if filter.class_name is not None:
        query = query.where(col(Document.class_name) == filter.class_name.strip())
    if filter.kind is not None:
        query = query.where(col(Document.kind) == filter.kind)
    if filter.withdrawn is not None:
        withdrawn = col(Document.withdrawn_at)
        query = query.where(withdrawn.is_not(None) if filter.withdrawn else withdrawn.is_(None))
    if after_id is not None:
        query = query.where(col(Document.id) < after_id)
    rows = list(
        (await session.scalars(query.order_by(col(Document.id).desc()).limit(first + 1))).all()
    )
    page = rows[:first]
    ids = [int(d.id or 0) for d in page]
    counts = await read_counts(session, ids)
    own = set(
        (
            await session.scalars(
                select(col(DocumentRead.document_id)).where(
                    col(DocumentRead.user_id) == actor.user_id,
                    col(DocumentRead.document_id).in_(ids),
                )
            )
        ).all()
    )
    items = [Published(d, *counts.get(int(d.id or 0), (0, 0, 0)), read=d.id in own) for d in page]
    return PublishedPage(items, has_next=len(rows) > first)


async def read_counts(
    session: AsyncSession, document_ids: list[int]
) -> dict[int, tuple[int, int, int]]:
    """(children, guardians, readers) per document, in three grouped statements."""
    if not document_ids:
        return {}
    recipients = col(DocumentRecipient.document_id)
    children: dict[int, int] = dict(
        (
            await session.execute(
                select(recipients, func.count())
                .where(recipients.in_(document_ids))
                .group_by(recipients)
            )
        ).all()
    )
    guardians = (
        select(recipients.label("document_id"), col(Guardianship.parent_id).label("user_id"))
        .join(Guardianship, col(Guardianship.child_id) == col(DocumentRecipient.child_id))
        .where(recipients.in_(document_ids))
        .distinct()
        .subquery()
    )
    totals: dict[int, int] = dict(
        (
            await session.execute(
                select(guardians.c.document_id, func.count()).group_by(guardians.c.document_id)
            )
        ).all()
    )
    readers: dict[int, int] = dict(
        (
            await session.execute(
                select(guardians.c.document_id, func.count())
                .join(
                    DocumentRead,
                    (col(DocumentRead.document_id) == guardians.c.document_id)
                    & (col(DocumentRead.user_id) == guardians.c.user_id),
                )
                .group_by(guardians.c.document_id)
            )
        ).all()
    )
    return {
        i: (int(children.get(i, 0)), int(totals.get(i, 0)), int(readers.get(i, 0)))
        for i in document_ids
    }


async def _staff_upload(uow: UnitOfWork, actor: Actor, document_id: int) -> Document:
    """The school's uploaded document, locked for this transaction; NOT_FOUND otherwise."""
    require_staff(actor)
    document = await uow.session.scalar(
        select(Document).where(col(Document.id) == document_id).with_for_update()
    )
    if document is None or document.school_id != actor.school_id:
        raise NotFound("documentId")
    if document.kind != DocumentKind.UPLOADED:
        raise DomainError(ErrorCode.INVALID_INPUT, "documentId")
    if document.withdrawn_at is not None:
        raise DomainError(ErrorCode.ALREADY_CANCELLED, "documentId")
    return document


async def withdraw_document(uow: UnitOfWork, actor: Actor, document_id: int) -> Published:
    """Families no longer see the document; the row, its reads and its file stay."""
    document = await _staff_upload(uow, actor, document_id)
    document.withdrawn_at = uow.now
    uow.session.add(document)
    await uow.session.flush()
    counts = await read_counts(uow.session, [document_id])
    return Published(document, *counts[document_id])


async def replace_document_file(
    transactions: Transactions,
    storage: DocumentStorage,
    actor: Actor,
    document_id: int,
    *,
    data: bytes,
    file_name: str,
    declared_type: str | None,
) -> Published:
    """A new version of the file: checked, stored, then swapped in one transaction (the former
    file kept as a version); the new file is removed again if that transaction fails."""
    require_staff(actor)
    checked = check_file(
        data, file_name, declared_type, max_bytes=transactions.settings.documents_max_bytes
    )
    key = await storage.save(checked.data)

    async def swap(uow: UnitOfWork) -> Published:
        document = await _staff_upload(uow, actor, document_id)
        uow.session.add(
            DocumentVersion(
                school_id=document.school_id,
                document_id=document_id,
                version=document.version,
                file_name=document.file_name,
                content_type=document.content_type,
                size_bytes=document.size_bytes,
                sha256=document.sha256,
                storage_key=document.storage_key,
                replaced_at=uow.now,
            )
        )
        document.file_name = checked.file_name
        document.content_type = checked.content_type
        document.size_bytes = len(checked.data)
        document.sha256 = checked.sha256
        document.storage_key = key
        document.version += 1
        uow.session.add(document)
        await uow.session.flush()
        await uow.session.execute(
            delete(DocumentRead).where(col(DocumentRead.document_id) == document_id)
        )
        # Its guardians are told, as at publication: the new file is unread for them again.
        await mail_guardians(uow, document, updated=True)
        counts = await read_counts(uow.session, [document_id])
        return Published(document, *counts[document_id])

    who = AuditContext(
        "replaceDocumentFile",
        str(actor.role),
        user_id=actor.user_id,
        school_id=actor.school_id,
        arguments={"documentId": document_id, "sha256": checked.sha256},
    )
    try:
        return await transactions.run(swap, who)
    except BaseException:
        if not await recorded(transactions, key):
            await storage.delete(key)
        raise
