"""Importing this package registers every table on SQLModel.metadata."""

from models import (
    accounts,
    billing,
    channels,
    documents,
    family,
    ledger,
    mail,
    meals,
    meetings,
    sales,
    sandbox_payments,
    school,
    topups,
    wallets,
)

__all__ = [
    "accounts",
    "billing",
    "channels",
    "documents",
    "family",
    "ledger",
    "mail",
    "meals",
    "meetings",
    "sales",
    "sandbox_payments",
    "school",
    "topups",
    "wallets",
]
