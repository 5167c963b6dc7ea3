"""Documents: node lookup, and marking a document read."""

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.context import Info
from schema.documents import Document, DocumentPayload
from schema.errors import catches_user_errors
from services.common.errors import DomainError
from services.documents import access


async def document_node(info: Info, document_id: int) -> Document | None:
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: access.document_for(s, actor, document_id))
    except DomainError:
        return None
    return Document.seen_by(info, actor, view)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Idempotent. Another family's document is NOT_FOUND.")
    @catches_user_errors(DocumentPayload)
    async def mark_document_read(self, info: Info, document_id: strawberry.ID) -> DocumentPayload:
        actor = actor_of(info)
        db_id = require_id(document_id, "Document", "documentId")
        view = await run(info, lambda uow: access.mark_read(uow, actor, db_id))
        return DocumentPayload(document=Document.seen_by(info, actor, view))
