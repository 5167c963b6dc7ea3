"""GDPR root fields: a user downloads their data; staff erase a family that left."""

from typing import cast

import strawberry
from strawberry.scalars import JSON

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.gdpr import DataExportPayload, EraseFamilyPayload
from schema.ids import to_global_id
from services.gdpr import deferred
from services.gdpr.erase import erase_family
from services.gdpr.export import export_own_data

EXPORT_PATH = "/me/export.json"


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Everything Cartable holds about you and your children.")
    @catches_user_errors(DataExportPayload)
    async def request_data_export(self, info: Info) -> DataExportPayload:
        actor = actor_of(info)
        runtime = info.context.runtime
        limit = runtime.settings.data_export_inline_rows
        if await read(info, lambda s: deferred.is_large(s, actor, limit)):
            await run(info, lambda uow: deferred.request_export(uow, actor))
            runtime.export_worker.wake()  # built after this answer, then mailed
            return DataExportPayload(mailed_when_ready=True)
        data = await read(info, lambda s: export_own_data(s, actor))
        return DataExportPayload(data=cast(JSON, data), url=EXPORT_PATH)

    @strawberry.mutation(description="Staff: erase a family that left (money records kept).")
    @catches_user_errors(EraseFamilyPayload)
    async def erase_family(self, info: Info, parent_id: strawberry.ID) -> EraseFamilyPayload:
        actor = actor_of(info)
        db_id = require_id(parent_id, "User", "parentId")
        erasure = await run(info, lambda uow: erase_family(uow, actor, db_id))
        # Files go once the rows are gone for good: a rollback must not lose a document.
        for key in erasure.storage_keys:
            await info.context.runtime.storage.delete(key)
        for key in erasure.export_keys:
            await info.context.runtime.export_worker.storage.delete(key)
        return EraseFamilyPayload(
            erased_parent_id=to_global_id("User", erasure.parent_id),
            erased_child_ids=[to_global_id("Child", c) for c in erasure.child_ids],
        )
