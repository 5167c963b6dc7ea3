"""Staff's view of the documents the school published: audience, version, reads."""

import datetime

import strawberry

from schema.context import Info
from schema.documents import Document
from schema.errors import UserError
from schema.ids import to_global_id
from schema.pagination import PageInfo
from services.documents.staff import Published


@strawberry.type
class PublishedDocument:
    document: Document
    audience: str = strawberry.field(description="child, class or school.")
    child_id: strawberry.ID | None
    class_name: str | None
    published_at: datetime.datetime
    version: int = strawberry.field(description="1, then one more each time the file is replaced.")
    withdrawn_at: datetime.datetime | None = strawberry.field(
        description="Set once withdrawn: families no longer see it; the file is kept."
    )
    child_count: int = strawberry.field(description="Children it was published to.")
    guardian_count: int = strawberry.field(description="Their guardians: who may read it.")
    read_count: int = strawberry.field(
        description="Guardians who opened it (since the last replacement of the file)."
    )

    @classmethod
    def from_view(cls, info: Info, view: Published) -> "PublishedDocument":
        row = view.document
        actor = info.context.actor
        assert actor is not None
        audience = "child" if row.child_id else "class" if row.class_name else "school"
        settings = info.context.runtime.settings
        return cls(
            document=Document.from_view(row, view.read, actor, settings, settings.clock()),
            audience=audience,
            child_id=None if row.child_id is None else to_global_id("Child", row.child_id),
            class_name=row.class_name,
            published_at=row.created_at,
            version=row.version,
            withdrawn_at=row.withdrawn_at,
            child_count=view.children,
            guardian_count=view.guardians,
            read_count=view.readers,
        )


@strawberry.type
class PublishedDocumentEdge:
    node: PublishedDocument
    cursor: str


@strawberry.type
class PublishedDocumentConnection:
    edges: list[PublishedDocumentEdge]
    page_info: PageInfo


@strawberry.type
class PublishedDocumentPayload:
    published_document: PublishedDocument | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
