"""Mail preferences: which kinds of mail the signed-in user gets."""

import strawberry

from schema.errors import UserError
from services.common.mail_preferences import MailPreference as PreferenceView


@strawberry.type
class MailPreference:
    kind: str = strawberry.field(description="low_balance, weekly_summary, meal_day_closed, ...")
    enabled: bool
    required: bool = strawberry.field(description="Sent whatever the choice (accounts, invoices).")

    @classmethod
    def from_view(cls, view: PreferenceView) -> "MailPreference":
        return cls(kind=view.kind, enabled=view.enabled, required=view.required)


@strawberry.type
class MailPreferencesPayload:
    preferences: list[MailPreference] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
