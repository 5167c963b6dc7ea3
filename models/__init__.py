"""Importing this package registers every table on SQLModel.metadata."""

from models import (
    accounts,
    audit,
    banking,
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
    "audit",
    "banking",
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
