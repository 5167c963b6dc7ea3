"""The signed-in user's mail preferences: read them, switch one kind on or off."""

import strawberry

from schema.access import actor_of, read, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.mail_preferences import MailPreference, MailPreferencesPayload
from services.common import mail_preferences


@strawberry.type
class Query:
    @strawberry.field(description="Every kind of mail and whether the signed-in user gets it.")
    async def mail_preferences(self, info: Info) -> list[MailPreference]:
        actor = actor_of(info)
        views = await read(info, lambda s: mail_preferences.preferences(s, actor))
        return [MailPreference.from_view(v) for v in views]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Switch one optional kind of mail on or off.")
    @catches_user_errors(MailPreferencesPayload)
    async def set_mail_preference(
        self, info: Info, kind: str, enabled: bool
    ) -> MailPreferencesPayload:
        actor = actor_of(info)
        views = await run(
            info, lambda uow: mail_preferences.set_preference(uow, actor, kind, enabled)
        )
        return MailPreferencesPayload(preferences=[MailPreference.from_view(v) for v in views])
