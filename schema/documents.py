"""Documents: what a parent sees of a file, pages of a child's documents, the read marker."""

import datetime
from typing import Protocol

import strawberry

from schema.context import Info
from schema.errors import UserError
from schema.node import Node
from schema.pagination import PageInfo


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


class DocumentsApi(Protocol):
    async def child_documents(
        self, info: Info, child_id: int, *, unread_only: bool, first: int, after: str | None
    ) -> DocumentConnection: ...

    async def latest_unread(self, info: Info, child_id: int, limit: int) -> list[Document]: ...


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
        return await info.context.api.documents.child_documents(
            info,
            self.db_id,
            unread_only=bool(unread_only),
            first=20 if first is None else first,
            after=after,
        )

    @strawberry.field(
        description="The newest documents the signed-in user has not read (at most 100)."
    )
    async def unread_documents(self, info: Info, limit: int | None = 5) -> list[Document]:
        return await info.context.api.documents.latest_unread(
            info, self.db_id, 5 if limit is None else limit
        )
