"""The signed-in user's mail preferences: read them, switch one kind on or off."""

import strawberry

from schema.access import actor_of, read, run
from schema.context import Info
from schema.errors import catches_user_errors
from schema.mail_preferences import MailPreference, MailPreferencesPayload
from services.common import mail_preferences
from services.dashboard import weekly_summary as weekly


@strawberry.type
class Query:
    @strawberry.field(description="Every kind of mail and whether the signed-in user gets it.")
    async def mail_preferences(self, info: Info) -> list[MailPreference]:
        actor = actor_of(info)
        views = await read(info, lambda s: mail_preferences.preferences(s, actor))
        return [MailPreference.from_view(v) for v in views]

    @strawberry.field(description="Whether the signed-in parent gets the weekly summary mail.")
    async def weekly_summary(self, info: Info) -> bool:
        actor = actor_of(info)
        return await read(info, lambda s: weekly.weekly_summary_chosen(s, actor))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Parents: get (or stop) a summary mail each Monday: balances, the week's operations, coming meals and appointments."
    )
    async def set_weekly_summary(self, info: Info, enabled: bool) -> bool:
        actor = actor_of(info)
        return await run(info, lambda uow: weekly.set_weekly_summary(uow, actor, enabled))

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
