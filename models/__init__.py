"""Importing this package registers every table on SQLModel.metadata."""

from models import accounts, events, family, mail, meals

__all__ = ["accounts", "events", "family", "mail", "meals"]
