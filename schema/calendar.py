"""The school calendar's closed periods and the feature switches' payload."""

import datetime as dt

import strawberry

from schema.errors import UserError
from schema.events import Event


@strawberry.type
class ClosedPeriodPayload:
    closed_days: list[dt.date] = strawberry.field(
        default_factory=list, description="The school days closed now (past ones are kept)."
    )
    refunded_reservations: int = 0
    event: Event | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class ClassMoveInput:
    old: str = strawberry.field(name="from")
    new: str = strawberry.field(name="to")


@strawberry.type
class ClassMovesPayload:
    moved: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LeaverPayload:
    moved_cents: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)
