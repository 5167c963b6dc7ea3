"""Documents: what a parent sees of a file, pages of a child's documents, the read marker."""

import datetime
from collections.abc import Sequence

import strawberry

from graphql_runtime.public import loader
from models import documents as m_documents
from schema.access import actor_of, read
from schema.context import Info
from schema.errors import InvalidArgumentError, UserError, refused
from schema.ids import to_global_id
from schema.node import Node
from schema.pagination import PageInfo, decode_cursor, encode_cursor
from services.accounts.actor import Actor
from services.common.errors import DomainError
from services.documents import access
from services.documents.access import MAX_PAGE, DocumentCursor, DocumentView, ListedDocument
from services.documents.links import download_url
from services.sql.per_child import ChildKey, batched_per_child
from services.sql.runtime import Runtime
from settings import Settings


@strawberry.type
class Document(Node):
    db_id: strawberry.Private[int]
    title: str
    date: datetime.date
    read: bool = strawberry.field(description="Whether the signed-in user has opened it.")
    kind: str = strawberry.field(description="uploaded | invoice | photo_order | ...")
    download_url: str = strawberry.field(
        description="Short-lived (minutes), works only for this user; opening it marks the document read."
    )
    file_name: str
    content_type: str
    size_bytes: int

    @classmethod
    def from_view(
        cls,
        row: m_documents.Document | ListedDocument,
        read: bool,
        actor: Actor,
        settings: Settings,
        now: datetime.datetime,
    ) -> "Document":
        """The document as `actor` sees it at `now` (its download link is theirs, for minutes)."""
        assert row.id is not None
        return cls(
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

    @classmethod
    def seen_by(cls, info: Info, actor: Actor, view: DocumentView) -> "Document":
        """A document read with its read marker, as the viewer sees it now."""
        settings = info.context.runtime.settings
        return cls.from_view(view.document, view.read, actor, settings, settings.clock())


@strawberry.type
class DocumentEdge:
    node: Document
    cursor: str


@strawberry.type
class DocumentConnection:
    edges: list[DocumentEdge]
    page_info: PageInfo


@strawberry.type
class DocumentPayload:
    document: Document | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ChildDocuments:
    """The documents fields of Child (schema/family.py)."""

    db_id: strawberry.Private[int]

    @strawberry.field(description="Newest first (by date, then publication). `first` at most 100.")
    async def documents(
        self,
        info: Info,
        unread_only: bool | None = False,
        first: int | None = 20,
        after: str | None = None,
    ) -> DocumentConnection:
        actor = actor_of(info)
        size = 20 if first is None else first
        if not 0 <= size <= MAX_PAGE:
            raise InvalidArgumentError("first")
        cursor = None if after is None else _parse_cursor(after)
        try:
            page = await read(
                info,
                lambda s: access.child_documents(
                    s, actor, self.db_id, unread_only=bool(unread_only), first=size, after=cursor
                ),
            )
        except DomainError as error:
            raise refused(info, error) from None
        edges = [
            DocumentEdge(node=Document.seen_by(info, actor, view), cursor=_cursor(view))
            for view in page.items
        ]
        return DocumentConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
        )

    @strawberry.field(
        description="The newest documents the signed-in user has not read (at most 100)."
    )
    async def unread_documents(self, info: Info, limit: int | None = 5) -> list[Document]:
        return await latest_unread(info, self.db_id, 5 if limit is None else limit)


def _cursor(view: DocumentView) -> str:
    assert view.document.id is not None
    return encode_cursor(view.document.date.isoformat(), str(view.document.id))


def _parse_cursor(after: str) -> DocumentCursor:
    parts = decode_cursor(after, 2)
    try:
        assert parts is not None and parts[1].isdigit()
        return DocumentCursor(datetime.date.fromisoformat(parts[0]), int(parts[1]))
    except (AssertionError, ValueError):
        raise InvalidArgumentError("after") from None


async def _unread(runtime: Runtime, keys: Sequence[ChildKey]) -> list[list[ListedDocument]]:
    return await batched_per_child(runtime, keys, access.latest_unread_documents)


async def latest_unread(info: Info, child_id: int, limit: int) -> list[Document]:
    """The child's newest unread documents, batched across children (one statement per
    operation): Child.unreadDocuments and its dashboard's."""
    actor = actor_of(info)
    if not 0 <= limit <= MAX_PAGE:
        raise InvalidArgumentError("limit")
    rows = await loader(info, _unread).load((actor, child_id, limit))
    settings = info.context.runtime.settings
    now = settings.clock()
    return [Document.from_view(row, False, actor, settings, now) for row in rows]
