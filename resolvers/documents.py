"""Documents: a child's pages, node lookup, and marking a document read."""

from collections.abc import Sequence
from datetime import date, datetime

import strawberry

from graphql_runtime.public import loader
from models import documents as m_documents
from resolvers.common import actor_of, catches_user_errors, read, require_id, run
from schema.context import Info
from schema.documents import Document, DocumentConnection, DocumentEdge, DocumentPayload
from schema.errors import InvalidArgumentError
from schema.ids import to_global_id
from schema.pagination import PageInfo, decode_cursor, encode_cursor
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.documents import access as document_access
from services.documents.access import MAX_PAGE, DocumentCursor, DocumentView, ListedDocument
from services.documents.links import download_url
from services.sql.per_child import ChildKey, batched_per_child
from services.sql.runtime import Runtime
from settings import Settings


def document_type(view: DocumentView, actor: Actor, settings: Settings, now: datetime) -> Document:
    return listed_document_type(view.document, view.read, actor, settings, now)


def listed_document_type(
    row: m_documents.Document | ListedDocument,
    read: bool,
    actor: Actor,
    settings: Settings,
    now: datetime,
) -> Document:
    assert row.id is not None
    return Document(
        id=to_global_id("Document", row.id),
        db_id=row.id,
        title=row.title,
        date=row.date,
        read=read,
        kind=row.kind,
        download_url=download_url(settings, row.id, actor.user_id, now),
        file_name=row.file_name,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
    )


def _cursor(view: DocumentView) -> str:
    assert view.document.id is not None
    return encode_cursor(view.document.date.isoformat(), str(view.document.id))


def _parse_cursor(after: str) -> DocumentCursor:
    parts = decode_cursor(after, 2)
    try:
        assert parts is not None and parts[1].isdigit()
        return DocumentCursor(date.fromisoformat(parts[0]), int(parts[1]))
    except (AssertionError, ValueError):
        raise InvalidArgumentError("after") from None


async def _load_unread(runtime: Runtime, keys: Sequence[ChildKey]) -> list[list[ListedDocument]]:
    return await batched_per_child(runtime, keys, document_access.latest_unread_documents)


class DocumentResolvers:
    """Implements schema.documents.DocumentsApi."""

    async def latest_unread(self, info: Info, child_id: int, limit: int) -> list[Document]:
        """Batched across children (one statement per operation): for dashboards."""
        actor = actor_of(info)
        if not 0 <= limit <= MAX_PAGE:
            raise InvalidArgumentError("limit")
        rows = await loader(info, _load_unread).load((actor, child_id, limit))
        settings = info.context.runtime.settings
        now = settings.clock()
        return [listed_document_type(row, False, actor, settings, now) for row in rows]

    async def child_documents(
        self, info: Info, child_id: int, *, unread_only: bool, first: int, after: str | None
    ) -> DocumentConnection:
        actor = actor_of(info)
        if not 0 <= first <= MAX_PAGE:
            raise InvalidArgumentError("first")
        cursor = None if after is None else _parse_cursor(after)
        page = await read(
            info,
            lambda s: document_access.child_documents(
                s, actor, child_id, unread_only=unread_only, first=first, after=cursor
            ),
        )
        settings = info.context.runtime.settings
        now = settings.clock()
        edges = [
            DocumentEdge(node=document_type(view, actor, settings, now), cursor=_cursor(view))
            for view in page.items
        ]
        return DocumentConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
        )


async def document_node(info: Info, document_id: int) -> Document | None:
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: document_access.document_for(s, actor, document_id))
    except DomainError:
        return None
    settings = info.context.runtime.settings
    return document_type(view, actor, settings, settings.clock())


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Idempotent. Another family's document is NOT_FOUND.")
    @catches_user_errors(DocumentPayload)
    async def mark_document_read(self, info: Info, document_id: strawberry.ID) -> DocumentPayload:
        actor = actor_of(info)
        db_id = require_id(document_id, "Document", "documentId")
        view = await run(info, lambda uow: document_access.mark_read(uow, actor, db_id))
        settings = info.context.runtime.settings
        return DocumentPayload(document=document_type(view, actor, settings, settings.clock()))
