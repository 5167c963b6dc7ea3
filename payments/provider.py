"""What the application asks of a payment service provider (PSP), and what a PSP tells it.

A provider never calls into the application's services: it creates checkouts when asked, and
reports outcomes by signed webhook, which the application verifies with `verify_webhook`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class PaymentStatus(StrEnum):
    PAID = "paid"
    FAILED = "failed"


@dataclass(frozen=True)
class CheckoutRequest:
    amount_cents: int
    currency: str
    reference: str  # ours, echoed back in webhooks (e.g. "topup:42")
    description: str
    return_url: str  # where the payer's browser goes afterwards
    webhook_url: str  # where the provider reports the outcome


@dataclass(frozen=True)
class Checkout:
    payment_id: str  # the provider's id: one credit per payment id, at most
    checkout_url: str  # the payment page


@dataclass(frozen=True)
class PaymentEvent:
    """A verified webhook: the provider says this payment reached this final status."""

    event_id: str
    payment_id: str
    status: PaymentStatus
    amount_cents: int
    currency: str
    reference: str


class CheckoutState(StrEnum):
    """What the provider says of a payment when asked (not only its final states)."""

    PENDING = "pending"  # the payer has not decided, and the checkout is still open
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"  # the checkout's lifetime ended without a payment


@dataclass(frozen=True)
class PaymentReport:
    payment_id: str
    state: CheckoutState
    amount_cents: int | None = None
    currency: str | None = None
    reference: str | None = None


class InvalidWebhook(Exception):
    """Forged, altered, stale or malformed: answered 400, never acted upon."""


class PaymentProvider(Protocol):
    name: str

    async def create_checkout(self, request: CheckoutRequest) -> Checkout: ...

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent: ...

    async def payment_status(self, payment_id: str) -> PaymentReport:
        """Ask the provider about one payment (the reconciler does, when no webhook came)."""
        ...
