"""Reading documents: who may see which, pages of a child's documents, read markers, downloads.

A parent reaches a document through a child of theirs it was published to; staff reach every
document of their school. Anything else answers NOT_FOUND, exactly like a missing document.
Read markers are per user: one guardian opening a letter does not mark it read for the other.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role, User
from models.db import dialect_insert
from models.documents import Document, DocumentRead, DocumentRecipient
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.documents.links import LinkClaim
from services.family.children import (
    VIEWER_ID,
    VIEWER_SCHOOL_ID,
    accessible_child_ids,
    viewer_kind,
    viewer_params,
    visible_children,
    visible_children_of,
)
from services.sql.per_child import CHILD_IDS, first_rows_per_child, per_child, ranked
from services.sql.uow import UnitOfWork
from storage.protocol import DocumentStorage

MAX_PAGE = 100


class ListedDocument(NamedTuple):
    """A document's listed fields, read as columns (the dashboard's unread documents, on
    every load); a Document row has the same attributes."""

    id: int
    title: str
    date: date
    kind: str
    file_name: str
    content_type: str
    size_bytes: int


LISTED_COLUMNS = tuple(col(getattr(Document, name)) for name in ListedDocument._fields)


@dataclass(frozen=True)
class DocumentView:
    """A document as one user sees it."""

    document: Document
    read: bool


@dataclass(frozen=True)
class DocumentCursor:
    """Position in a child's list, newest first: (date, id) of the last document seen."""

    date: date
    document_id: int


@dataclass(frozen=True)
class DocumentPage:
    items: list[DocumentView]
    has_next: bool


def _reachable(actor: Actor) -> ColumnElement[bool]:
    """The documents this actor may open, as a condition on `documents`: a withdrawn one only
    for staff (kept for the record), never for families."""
    if actor.role == Role.STAFF:
        return col(Document.school_id) == actor.school_id
    return col(Document.withdrawn_at).is_(None) & exists(
        select(1)
        .select_from(DocumentRecipient)
        .where(
            col(DocumentRecipient.document_id) == col(Document.id),
            col(DocumentRecipient.child_id).in_(visible_children(actor)),
        )
    )


def _read_by(user_id: int | BindParameter[Any]) -> ColumnElement[bool]:
    return exists(
        select(1).where(
            col(DocumentRead.document_id) == col(Document.id),
            col(DocumentRead.user_id) == user_id,
        )
    )


async def document_for(session: AsyncSession, actor: Actor, document_id: int) -> DocumentView:
    row = (
        await session.execute(
            select(Document, _read_by(actor.user_id)).where(
                col(Document.id) == document_id, _reachable(actor)
            )
        )
    ).first()
    if row is None:
        raise NotFound("documentId")
    return DocumentView(row[0], bool(row[1]))


async def child_documents(
    session: AsyncSession,
    actor: Actor,
    child_id: int,
    *,
    unread_only: bool = False,
    first: int = 20,
    after: DocumentCursor | None = None,
) -> DocumentPage:
    """A page of the documents published to this child, newest first (date, then id), paged
    in SQL by keyset, with whether this user has read each."""
    if not await accessible_child_ids(session, actor, [child_id]):
        raise NotFound("childId")
    first = max(0, min(first, MAX_PAGE))
    read_marker = DocumentRead.__table__.alias("read_marker")  # type: ignore[attr-defined]
    query = (
        select(Document, read_marker.c.id.is_not(None))
        .join(DocumentRecipient, col(DocumentRecipient.document_id) == col(Document.id))
        .outerjoin(
            read_marker,
            and_(
                read_marker.c.document_id == col(Document.id),
                read_marker.c.user_id == actor.user_id,
            ),
        )
        .where(col(DocumentRecipient.child_id) == child_id, col(Document.withdrawn_at).is_(None))
        .order_by(col(DocumentRecipient.date).desc(), col(DocumentRecipient.document_id).desc())
        .limit(first + 1)
    )
    if unread_only:
        query = query.where(read_marker.c.id.is_(None))
    if after is not None:
        query = query.where(
            or_(
                col(DocumentRecipient.date) < after.date,
                and_(
                    col(DocumentRecipient.date) == after.date,
                    col(DocumentRecipient.document_id) < after.document_id,
                ),
            )
        )
    rows = (await session.execute(query)).all()
    items = [DocumentView(row[0], bool(row[1])) for row in rows[:first]]
    return DocumentPage(items, has_next=len(rows) > first)


async def latest_unread_documents(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int], limit: int = 5
) -> dict[int, list[ListedDocument]]:
    """For each of these children: the newest documents this user has not read, at most
    `limit` each. One statement whatever the number of children (for DataLoaders).
    Children the actor may not see get an empty list."""
    statement = _unread_statement(viewer_kind(actor))
    rows = await first_rows_per_child(session, child_ids, statement, limit, viewer_params(actor))
    return {child: [ListedDocument._make(row) for row in found] for child, found in rows.items()}


@functools.cache
def _unread_statement(whole_school: bool) -> Select[Any]:
    candidates = (
        ranked(
            col(DocumentRecipient.child_id),
            col(Document.id),
            (col(DocumentRecipient.date).desc(), col(DocumentRecipient.document_id).desc()),
        )
        .join(Document, col(Document.id) == col(DocumentRecipient.document_id))
        .where(
            col(DocumentRecipient.child_id).in_(CHILD_IDS),
            col(Document.withdrawn_at).is_(None),
            ~_read_by(VIEWER_ID),
            _recipient_visible(whole_school),
        )
    )
    return per_child(candidates, Document, columns=LISTED_COLUMNS)


def _recipient_visible(whole_school: bool) -> ColumnElement[bool]:
    """The recipient row's child is one the viewer (VIEWER_ID, VIEWER_SCHOOL_ID) may see."""
    if whole_school:
        return col(DocumentRecipient.school_id) == VIEWER_SCHOOL_ID
    return col(DocumentRecipient.child_id).in_(visible_children_of(False))


async def _mark(uow: UnitOfWork, document_id: int, user_id: int) -> None:
    """Idempotent: a second mark (or a race of many) leaves the one row of the first."""
    insert = dialect_insert(uow.dialect)
    await uow.session.execute(
        insert(DocumentRead)
        .values(document_id=document_id, user_id=user_id, read_at=uow.now)
        .on_conflict_do_nothing(index_elements=["document_id", "user_id"])
    )


async def mark_read(uow: UnitOfWork, actor: Actor, document_id: int) -> DocumentView:
    view = await document_for(uow.session, actor, document_id)
    await _mark(uow, document_id, actor.user_id)
    return DocumentView(view.document, True)


async def document_for_link(
    session: AsyncSession,
    storage: DocumentStorage,
    claim: LinkClaim,
    clock: Callable[[], datetime] | None = None,
) -> DocumentView:
    """What a verified download link serves, checked again now (the user may have lost
    access since the link was made), with whether that user has already read it."""
    user = await session.get(User, claim.user_id)
    if user is None or user.id is None:
        raise NotFound("documentId")
    actor = Actor(user.id, user.school_id, Role(user.role), user.locale, clock=clock)
    view = await document_for(session, actor, claim.document_id)
    if not await storage.exists(view.document.storage_key):
        raise NotFound("documentId")
    return view


async def mark_opened(uow: UnitOfWork, claim: LinkClaim) -> None:
    """The user opened the document through their link (one short write, idempotent)."""
    await _mark(uow, claim.document_id, claim.user_id)
