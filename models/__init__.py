"""Importing this package registers every table on SQLModel.metadata."""

from models import (
    accounts,
    channels,
    documents,
    family,
    ledger,
    mail,
    meals,
    meetings,
    photos,
    sales,
    sandbox_payments,
    school,
    topups,
    wallets,
)

__all__ = [
    "accounts",
    "channels",
    "documents",
    "family",
    "ledger",
    "mail",
    "meals",
    "meetings",
    "photos",
    "sales",
    "sandbox_payments",
    "school",
    "topups",
    "wallets",
]
