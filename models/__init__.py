"""Importing this package registers every table on SQLModel.metadata."""

from models import accounts, calendar, documents, events, family, mail, meals, meetings

__all__ = ["accounts", "calendar", "documents", "events", "family", "mail", "meals", "meetings"]
