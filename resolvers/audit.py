"""The audit trail for staff."""

from datetime import datetime

import strawberry

from schema.access import actor_of, read
from schema.audit import AuditEntry
from schema.context import Info
from schema.errors import refused
from schema.ids import db_id_of
from services.common.errors import DomainError
from services.school import audit_trail


@strawberry.type
class Query:
    @strawberry.field(
        description="Staff: the school's audit trail, latest first; filter by child, user, period."
    )
    async def audit_trail(
        self,
        info: Info,
        child_id: strawberry.ID | None = None,
        user_id: strawberry.ID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        first: int = 50,
        before: strawberry.ID | None = None,
    ) -> list[AuditEntry]:
        actor = actor_of(info)
        ids = {
            "child_id": _id(child_id, "Child"),
            "user_id": _id(user_id, "User"),
            "before_id": _id(before, "AuditEntry"),
        }
        if any(value == -1 for value in ids.values()):
            return []  # an ID of another kind matches nothing
        try:
            views = await read(
                info,
                lambda s: audit_trail.audit_entries(
                    s, actor, since=since, until=until, first=first, **ids
                ),
            )
        except DomainError as error:
            raise refused(info, error) from None
        return [AuditEntry.from_view(view) for view in views]


def _id(global_id: strawberry.ID | None, type_name: str) -> int | None:
    if global_id is None:
        return None
    found = db_id_of(global_id, type_name)
    return -1 if found is None else found
