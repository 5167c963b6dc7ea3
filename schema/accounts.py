"""Users and the payloads of the account mutations."""

import strawberry

from schema.enums import Role
from schema.errors import UserError
from schema.node import Node


@strawberry.type
class User(Node):
    db_id: strawberry.Private[int]
    username: str
    email: str
    display_name: str
    role: Role


@strawberry.type
class AuthPayload:
    token: str | None = None
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RequestPayload:
    ok: bool
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InviteParentPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
