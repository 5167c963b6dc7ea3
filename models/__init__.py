"""Importing this package registers every table on SQLModel.metadata."""

from models import accounts, events, family, ledger, mail, sales, sandbox_payments, topups, wallets

__all__ = ["accounts", "events", "family", "mail"]
__all__ += ["ledger", "sales", "sandbox_payments", "topups", "wallets"]
