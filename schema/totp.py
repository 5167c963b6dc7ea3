"""Two-factor sign-in payloads."""

import strawberry

from schema.accounts import User
from schema.errors import UserError


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
