"""Users, their sessions, one-time tokens and the login attempts used for throttling."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from models.columns import text_field, utc_field


class Role(StrEnum):
    PARENT = "PARENT"
    STAFF = "STAFF"
    TEACHER = "TEACHER"


class TokenPurpose(StrEnum):
    ACTIVATION = "activation"
    RESET = "reset"


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("school_id", "username"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    role: str = text_field(16)
    username: str = text_field(100)
    email: str = text_field(254, index=True)
    display_name: str = text_field(200)
    password_hash: str | None = text_field(255, nullable=True, default=None)
    locale: str = text_field(8, default="fr")
    # The weekly summary mail (opt-in) and the ISO week ("2026-W49") it was last sent for.
    weekly_summary: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    weekly_summary_week: str | None = text_field(10, nullable=True, default=None)
    created_at: datetime = utc_field()
    # Set by staff: the account can no longer sign in and its sessions were ended.
    disabled_at: datetime | None = utc_field(nullable=True, default=None)


class Session(SQLModel, table=True):
    """An opaque bearer token; only its SHA-256 is stored."""

    __tablename__ = "sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = text_field(64, unique=True)
    created_at: datetime = utc_field()
    last_seen_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(nullable=True, default=None)
    # Shown to the user in their list of open sessions ("Firefox on 192.0.2.7").
    address: str | None = text_field(64, nullable=True, default=None)
    user_agent: str | None = text_field(255, nullable=True, default=None)


class OneTimeToken(SQLModel, table=True):
    """Activation and reset tokens: single use, stored hashed, older ones revoked on issue."""

    __tablename__ = "one_time_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = text_field(64, unique=True)
    purpose: str = text_field(16)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    used_at: datetime | None = utc_field(nullable=True, default=None)
    revoked_at: datetime | None = utc_field(nullable=True, default=None)


class LoginAttempt(SQLModel, table=True):
    """Failed and successful sign-ins, per account name and per client address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = text_field(100)
    address: str = text_field(64)
    succeeded: bool
    at: datetime = utc_field()
