"""The viewer's own sessions and sign-ins, and the payload of ending one."""

from datetime import datetime

import strawberry

from schema.access import actor_of, read
from schema.context import Info
from schema.errors import UserError
from schema.ids import to_global_id
from services.accounts import own_sessions
from services.accounts.own_sessions import SessionView, SignInView


@strawberry.type(description="A signed-in browser or app of this user.")
class UserSession:
    id: strawberry.ID
    created_at: datetime
    last_seen_at: datetime
    address: str | None
    user_agent: str | None
    current: bool = strawberry.field(description="The session making this request.")

    @classmethod
    def from_view(cls, view: SessionView) -> "UserSession":
        return cls(
            id=strawberry.ID(to_global_id("Session", view.id)),
            created_at=view.created_at,
            last_seen_at=view.last_seen_at,
            address=view.address,
            user_agent=view.user_agent,
            current=view.current,
        )


@strawberry.type(description="A sign-in on this user's name, successful or not.")
class SignIn:
    at: datetime
    address: str
    succeeded: bool

    @classmethod
    def from_view(cls, view: SignInView) -> "SignIn":
        return cls(at=view.at, address=view.address, succeeded=view.succeeded)


@strawberry.type
class ViewerSessions:
    @strawberry.field(description="Open sessions, most recently used first.")
    async def sessions(self, info: Info) -> list[UserSession]:
        actor, settings = actor_of(info), info.context.runtime.settings
        rows = await read(
            info, lambda s: own_sessions.open_sessions(s, actor, settings, settings.clock())
        )
        return [UserSession.from_view(row) for row in rows]

    @strawberry.field(description="Recent sign-ins and failed attempts, latest first.")
    async def sign_ins(self, info: Info, limit: int = 20) -> list[SignIn]:
        actor = actor_of(info)
        rows = await read(info, lambda s: own_sessions.recent_sign_ins(s, actor, limit))
        return [SignIn.from_view(row) for row in rows]


@strawberry.type
class EndSessionPayload:
    ended: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)
