"""Importing this package registers every table on SQLModel.metadata."""

from models import (
    accounts,
    calendar,
    documents,
    events,
    family,
    ledger,
    mail,
    meals,
    meetings,
    sales,
    sandbox_payments,
    topups,
    wallets,
)

__all__ = [
    "accounts",
    "calendar",
    "documents",
    "events",
    "family",
    "ledger",
    "mail",
    "meals",
    "meetings",
    "sales",
    "sandbox_payments",
    "topups",
    "wallets",
]
