"""Wallets (a child's prepaid accounts) and each school's money settings."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from models.columns import cents_field, text_field, utc_field

DEFAULT_WALLET_NAMES = ("Repas", "Activités")
DEFAULT_TOP_UP_MIN_CENTS = 500
DEFAULT_TOP_UP_MAX_CENTS = 50_000
# Guardians are mailed when a debit takes a wallet below this (unless they chose otherwise).
DEFAULT_LOW_BALANCE_CENTS = 500


class WalletSettings(SQLModel, table=True):
    """Per-school money settings; a school without a row uses the defaults above."""

    __tablename__ = "wallet_settings"
    __table_args__ = (
        CheckConstraint("wallet_count IN (1, 2)", name="wallet_count"),
        CheckConstraint("meal_wallet_slot IN (1, 2)", name="meal_wallet_slot"),
        CheckConstraint(
            "top_up_min_cents > 0 AND top_up_min_cents <= top_up_max_cents", name="top_up_limits"
        ),
    )

    school_id: int = Field(foreign_key="schools.id", primary_key=True)
    wallet_count: int = 2
    first_wallet_name: str = text_field(50, default=DEFAULT_WALLET_NAMES[0])
    second_wallet_name: str = text_field(50, default=DEFAULT_WALLET_NAMES[1])
    # Which wallet reservations of meals are paid from (1 when the school has one wallet).
    meal_wallet_slot: int = 1
    top_up_min_cents: int = cents_field(default=DEFAULT_TOP_UP_MIN_CENTS)
    top_up_max_cents: int = cents_field(default=DEFAULT_TOP_UP_MAX_CENTS)
    low_balance_default_cents: int = cents_field(
        default=DEFAULT_LOW_BALANCE_CENTS,
        sa_column_kwargs={"server_default": str(DEFAULT_LOW_BALANCE_CENTS)},
    )
    updated_at: datetime = utc_field()


class Wallet(SQLModel, table=True):
    """A child's prepaid account. `balance_cents` caches the sum of its postings.

    Only services/wallets/ledger.py changes the balance, by one conditional UPDATE; the CHECK is the
    backstop. One wallet per (child, slot): slot 1 is the first wallet, 2 the second.
    """

    __tablename__ = "wallets"
    __table_args__ = (
        UniqueConstraint("child_id", "slot"),
        CheckConstraint("slot IN (1, 2)", name="slot"),
        CheckConstraint("balance_cents >= 0", name="balance_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    child_id: int = Field(foreign_key="children.id")  # indexed by the unique (child, slot)
    slot: int
    name: str = text_field(50)
    balance_cents: int = cents_field(default=0)
    created_at: datetime = utc_field()
    # Low-balance alert: the guardians' own threshold (None: the school's), or none at all;
    # `low_balance_alerted` is set when the mail goes and cleared once the balance is back up.
    low_balance_alert_cents: int | None = cents_field(nullable=True, default=None)
    low_balance_alert_off: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    low_balance_alerted: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    low_balance_alerted_on: date | None = Field(default=None)
    # A leaver's wallet once settled: no debit or credit any more (ledger refuses them).
    closed_at: datetime | None = utc_field(nullable=True, default=None)
