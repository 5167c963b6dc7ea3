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
    "sales",
    "sandbox_payments",
    "school",
    "topups",
    "wallets",
]
