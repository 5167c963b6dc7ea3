"""Staff: the documents the school published, and withdrawing one."""

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.context import Info
from schema.errors import catches_user_errors, refused
from schema.ids import db_id_of
from schema.pagination import PageInfo, encode_cursor, id_after
from schema.published_documents import (
    PublishedDocument,
    PublishedDocumentConnection,
    PublishedDocumentEdge,
    PublishedDocumentPayload,
)
from services.common.errors import DomainError, NotFound
from services.documents import staff


@strawberry.type
class Query:
    @strawberry.field(
        description="Staff: the school's documents, newest first, with how many guardians "
        "read each. `className`: the class chosen as audience; `withdrawn`: omitted for both."
    )
    async def published_documents(
        self,
        info: Info,
        child_id: strawberry.ID | None = None,
        class_name: str | None = None,
        kind: str | None = None,
        withdrawn: bool | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> PublishedDocumentConnection:
        actor = actor_of(info)
        try:
            child = None
            if child_id is not None:
                child = db_id_of(child_id, "Child")
                if child is None:
                    raise NotFound("childId")
            wanted = staff.PublishedFilter(child, class_name, kind, withdrawn)
            after_id = id_after(after)
            page = await read(
                info,
                lambda s: staff.published_documents(
                    s, actor, wanted, first=first, after_id=after_id
                ),
            )
        except DomainError as error:
            raise refused(info, error) from error
        edges = [
            PublishedDocumentEdge(
                node=PublishedDocument.from_view(info, item),
                cursor=encode_cursor(str(item.document.id)),
            )
            for item in page.items
        ]
        end = edges[-1].cursor if edges else None
        return PublishedDocumentConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end)
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Staff: families no longer see or download the document (links already "
        "given stop working); it stays listed for staff, its file kept. Uploaded documents only."
    )
    @catches_user_errors(PublishedDocumentPayload)
    async def withdraw_document(
        self, info: Info, document_id: strawberry.ID
    ) -> PublishedDocumentPayload:
        actor = actor_of(info)
        db_id = require_id(document_id, "Document", "documentId")
        view = await run(info, lambda uow: staff.withdraw_document(uow, actor, db_id))
        return PublishedDocumentPayload(published_document=PublishedDocument.from_view(info, view))
