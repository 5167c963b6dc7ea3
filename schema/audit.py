"""The audit trail as staff read it."""

from datetime import datetime
from typing import cast

import strawberry
from strawberry.scalars import JSON

from schema.ids import to_global_id
from services.school.audit_trail import AuditEntryView


@strawberry.type(description="Who did what, when, from where: staff actions and money moved.")
class AuditEntry:
    id: strawberry.ID
    at: datetime
    action: str = strawberry.field(description="A mutation's name, or money.<METHOD>.")
    role: str = strawberry.field(description="STAFF, TEACHER, PARENT, DEVICE or SYSTEM.")
    user_id: strawberry.ID | None
    device_id: strawberry.ID | None
    address: str | None
    child_id: strawberry.ID | None
    details: JSON = strawberry.field(
        description="The arguments given and the rows changed (before/after), or the money moved."
    )

    @classmethod
    def from_view(cls, view: AuditEntryView) -> "AuditEntry":
        def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
            return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))

        return cls(
            id=strawberry.ID(to_global_id("AuditEntry", view.id)),
            at=view.at,
            action=view.action,
            role=view.role,
            user_id=gid("User", view.user_id),
            device_id=gid("Device", view.device_id),
            address=view.address,
            child_id=gid("Child", view.child_id),
            details=cast(JSON, view.details),
        )
