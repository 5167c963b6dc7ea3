"""Two-factor sign-in payloads."""

import strawberry

from schema.access import actor_of, read
from schema.accounts import User
from schema.context import Info
from schema.errors import UserError
from services.accounts import totp


@strawberry.type
class ViewerTotp:
    @strawberry.field(description="Whether signing in asks this user for a code.")
    async def totp_enabled(self, info: Info) -> bool:
        actor = actor_of(info)
        return await read(info, lambda s: totp.is_enabled(s, actor.user_id))

    @strawberry.field(description="Recovery codes not used yet (0 without two-factor sign-in).")
    async def recovery_codes_left(self, info: Info) -> int:
        actor = actor_of(info)
        return await read(info, lambda s: totp.remaining_recovery_codes(s, actor.user_id))


@strawberry.type
class TotpEnrolmentPayload:
    secret: str | None = strawberry.field(
        default=None, description="For typing into the app by hand (base32)."
    )
    uri: str | None = strawberry.field(default=None, description="The otpauth:// URI.")
    qr_code: str | None = strawberry.field(
        default=None, description="The URI as a QR code: an SVG `data:` URI for an <img>."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TotpConfirmationPayload:
    recovery_codes: list[str] = strawberry.field(
        default_factory=list,
        description="Shown this once: each signs in once in place of a code.",
    )
    token: str | None = strawberry.field(
        default=None, description="When confirmed with a sign-in ticket: the new session."
    )
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DisableTotpPayload:
    disabled: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TotpRequirementPayload:
    totp_required_for_staff: bool | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
