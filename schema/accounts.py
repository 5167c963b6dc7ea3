"""Users and the payloads of the account mutations."""

import strawberry

from models import accounts as m_accounts
from schema.enums import Role
from schema.errors import UserError
from schema.ids import to_global_id
from schema.node import Node
from services.family.views import UserView


@strawberry.type
class User(Node):
    db_id: strawberry.Private[int]
    username: str
    email: str
    display_name: str
    role: Role
    locale: str = strawberry.field(description="fr, nl or en: the language of mails and messages.")

    @classmethod
    def from_view(cls, user: m_accounts.User | UserView) -> "User":
        assert user.id is not None
        return cls(
            id=to_global_id("User", user.id),
            db_id=user.id,
            username=user.username,
            email=user.email,
            display_name=user.display_name,
            role=Role(user.role),
            locale=user.locale,
        )


@strawberry.type
class AuthPayload:
    token: str | None = None
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
    totp_required: bool = strawberry.field(
        default=False,
        description="The password was right; `completeLogin(ticket, code)` finishes signing in.",
    )
    totp_enrolment_required: bool = strawberry.field(
        default=False,
        description="The school requires two-factor sign-in and this account has none yet: "
        "`startTotpEnrolment(ticket)` then `confirmTotpEnrolment(code, ticket)` sign in.",
    )
    ticket: str | None = strawberry.field(
        default=None, description="Valid 10 minutes, for the second step only."
    )


@strawberry.type
class RequestPayload:
    ok: bool
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class InviteParentPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
