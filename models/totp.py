"""Two-factor sign-in: a user's TOTP secret, their recovery codes and half-done sign-ins."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class TotpCredential(SQLModel, table=True):
    """One per user. Unconfirmed (confirmed_at null) while the user is enrolling."""

    __tablename__ = "totp_credentials"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    # The base32 secret encrypted with TOTP_ENCRYPTION_KEYS (services/accounts/totp_secrets.py):
    # never the secret itself.
    secret_sealed: str = text_field(255)
    created_at: datetime = utc_field()
    confirmed_at: datetime | None = utc_field(nullable=True, default=None)
    # The 30 s step of the last code accepted: a code is refused unless its step is later,
    # so one code cannot be replayed (a conditional UPDATE decides a race).
    last_step: int | None = Field(default=None, nullable=True)


class TotpRecoveryCode(SQLModel, table=True):
    """Single-use codes shown once at enrolment; only their SHA-256 is stored."""

    __tablename__ = "totp_recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = text_field(64, unique=True)
    used_at: datetime | None = utc_field(nullable=True, default=None)


class LoginTicket(SQLModel, table=True):
    """A password accepted, a second step pending: completing the code, or enrolling when the
    school requires two-factor sign-in for staff. Stored hashed, short-lived, single use."""

    __tablename__ = "login_tickets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    ticket_hash: str = text_field(64, unique=True)
    purpose: str = text_field(16)
    address: str = text_field(64)
    user_agent: str | None = text_field(255, nullable=True, default=None)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    used_at: datetime | None = utc_field(nullable=True, default=None)
