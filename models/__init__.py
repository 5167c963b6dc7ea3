"""Importing this package registers every table on SQLModel.metadata."""

from models import accounts, events, family, mail, meetings

__all__ = ["accounts", "events", "family", "mail", "meetings"]
