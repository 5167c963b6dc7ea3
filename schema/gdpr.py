"""GDPR: a user's data export, a family's erasure."""

import strawberry
from strawberry.scalars import JSON

from schema.errors import UserError


@strawberry.type
class DataExportPayload:
    data: JSON | None = strawberry.field(
        default=None,
        description="Every row Cartable holds about the user and their children, per table "
        "(also at GET /me/export.json).",
    )
    url: str | None = strawberry.field(default=None, description="Where to download it.")
    mailed_when_ready: bool = strawberry.field(
        default=False,
        description="A large export: built in the background, a link to download it (once, "
        "signed in) mailed when ready; `data` and `url` are then null.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class EraseFamilyPayload:
    erased_parent_id: strawberry.ID | None = None
    erased_child_ids: list[strawberry.ID] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
