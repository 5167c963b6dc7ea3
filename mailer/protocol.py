"""What the outbox worker needs from a sender, and how a sender says "try again later"."""

from email.message import EmailMessage
from typing import Protocol


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver one message; return only once the recipient side has accepted it."""
        ...


class MailerUnavailable(Exception):
    """The sender cannot send anything right now (server down, TLS or login refused).

    Unlike a refusal of one message, this says nothing about the other mails waiting:
    the worker stops its pass instead of failing every queued mail in turn.
    """
