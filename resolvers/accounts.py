"""Account mutations: activation, sign-in and out, passwords, invitations."""

import strawberry

from resolvers.common import client_address, require_id
from schema.access import actor_of, run
from schema.accounts import AuthPayload, InviteParentPayload, RequestPayload, User, UserPayload
from schema.context import Info
from schema.errors import catches_user_errors, user_error
from schema.own_sessions import EndSessionPayload
from services.accounts import own_sessions, second_step
from services.accounts import users as accounts
from web_access import cookies


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Redeem the one-time token from the mail: set a password, sign in."
    )
    @catches_user_errors(AuthPayload)
    async def activate_account(self, info: Info, token: str, password: str) -> AuthPayload:
        tx = info.context.runtime.transactions
        signed_in = await accounts.activate_account(tx, token=token, password=password)
        cookies.remember(info.context.response, info.context.runtime.settings, signed_in.token)
        return AuthPayload(token=signed_in.token, user=User.from_view(signed_in.user))

    @strawberry.mutation(
        description="Sign in; `school` (its short name) is needed only when the username exists in several schools."
    )
    async def login(
        self, info: Info, username: str, password: str, school: str | None = None
    ) -> AuthPayload:
        address = client_address(info.context.request)
        outcome = await accounts.login(
            info.context.runtime.transactions,
            username=username,
            password=password,
            address=address,
            school=school,
            user_agent=info.context.request.headers.get("user-agent"),
        )
        if outcome.error is not None:
            return AuthPayload(errors=[user_error(info, outcome.error)])
        if outcome.ticketed is not None:
            enrol = outcome.ticketed.purpose == second_step.ENROL
            return AuthPayload(
                ticket=outcome.ticketed.ticket,
                totp_required=not enrol,
                totp_enrolment_required=enrol,
            )
        assert outcome.signed_in is not None
        cookies.remember(
            info.context.response, info.context.runtime.settings, outcome.signed_in.token
        )
        return AuthPayload(
            token=outcome.signed_in.token, user=User.from_view(outcome.signed_in.user)
        )

    @strawberry.mutation(description="End this session. Its open websockets close.")
    async def logout(self, info: Info) -> bool:
        # Cleared even when the session has already ended.
        cookies.forget(info.context.response, info.context.runtime.settings)
        actor = actor_of(info)
        await run(info, lambda uow: accounts.logout(uow, actor))
        return True

    @strawberry.mutation(description="The same answer whether or not the address is known.")
    async def request_password_reset(self, info: Info, email: str) -> RequestPayload:
        await run(info, lambda uow: accounts.request_password_reset(uow, email=email))
        return RequestPayload(ok=True)

    @strawberry.mutation(description="Every other session of this user ends.")
    @catches_user_errors(AuthPayload)
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> AuthPayload:
        actor = actor_of(info)
        user = await accounts.change_password(
            info.context.runtime.transactions, actor, current=current_password, new=new_password
        )
        cookies.remember(info.context.response, info.context.runtime.settings, info.context.token)
        return AuthPayload(token=info.context.token, user=User.from_view(user))

    @strawberry.mutation(description="Staff: create a parent account and mail its activation link.")
    @catches_user_errors(InviteParentPayload)
    async def invite_parent(
        self,
        info: Info,
        username: str,
        email: str,
        display_name: str,
        child_ids: list[strawberry.ID],
        locale: str = "fr",
    ) -> InviteParentPayload:
        actor = actor_of(info)
        ids = [require_id(gid, "Child", "childIds") for gid in child_ids]
        user = await run(
            info,
            lambda uow: accounts.invite_parent(
                uow,
                actor,
                username=username,
                email=email,
                display_name=display_name,
                child_ids=ids,
                locale=locale,
            ),
        )
        return InviteParentPayload(user=User.from_view(user))

    @strawberry.mutation(description="The language of this user's mails, documents and messages.")
    @catches_user_errors(UserPayload)
    async def set_locale(self, info: Info, locale: str) -> UserPayload:
        actor = actor_of(info)
        user = await run(info, lambda uow: accounts.set_locale(uow, actor, locale))
        info.context.locale = user.locale  # this answer's messages already in the new language
        return UserPayload(user=User.from_view(user))

    @strawberry.mutation(description="End one of this user's sessions: its websockets close.")
    @catches_user_errors(EndSessionPayload)
    async def end_session(self, info: Info, session_id: strawberry.ID) -> EndSessionPayload:
        actor = actor_of(info)
        db_id = require_id(session_id, "Session", "sessionId")
        await run(info, lambda uow: own_sessions.end_session(uow, actor, db_id))
        return EndSessionPayload(ended=True)
