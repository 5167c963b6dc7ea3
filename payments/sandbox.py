"""The built-in sandbox PSP: checkouts, signed webhooks and their verification.

It behaves like a real provider: `create_checkout` returns a payment id and the URL of a payment
page (served by payments/sandbox_pages.py); the payer decides there; the outcome reaches the
application only as a webhook signed with HMAC-SHA256 over "<timestamp>." + body, accepted
within five minutes of its timestamp. The checkout URL carries the payment's details in a
signed token, so creating a checkout writes nothing and needs no database.
"""

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from models.db import Database
from models.sandbox_payments import SandboxPayment
from payments.provider import (
    Checkout,
    CheckoutRequest,
    CheckoutState,
    InvalidWebhook,
    PaymentEvent,
    PaymentReport,
    PaymentStatus,
)
from payments.signing import (
    SIGNATURE_HEADER,
    TOLERANCE_SECONDS,
    BadSignature,
    sign_token,
    sign_webhook,
    verify_webhook,
)

NAME = "sandbox"
PAGES_PATH = "/sandbox-psp"
CHECKOUT_VALID_FOR = timedelta(hours=1)


class SandboxProvider:
    name = NAME

    def __init__(
        self,
        secret: bytes,
        public_url: str,
        clock: Callable[[], datetime],
        database: Database | None = None,
    ) -> None:
        self.secret = secret
        self.public_url = public_url.rstrip("/")
        self.clock = clock
        # Its own records (decisions, webhooks to deliver); it shares the database, not code.
        self.database = database

    @classmethod
    def from_settings(
        cls,
        secret_key: str,
        public_url: str,
        clock: Callable[[], datetime],
        database: Database | None = None,
    ) -> "SandboxProvider":
        # Its own key, derived: a leaked webhook secret does not reveal the application's.
        secret = hmac.new(secret_key.encode(), b"sandbox-psp", hashlib.sha256).digest()
        return cls(secret, public_url, clock, database)

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        expires = self.clock() + CHECKOUT_VALID_FOR
        # The id carries the checkout's end, so the status query needs no record of it.
        payment_id = f"sbx_{int(expires.timestamp())}_{secrets.token_urlsafe(16)}"
        token = sign_token(
            self.secret,
            {
                "p": payment_id,
                "a": request.amount_cents,
                "c": request.currency,
                "r": request.reference,
                "d": request.description,
                "u": request.return_url,
                "w": request.webhook_url,
                "e": int(expires.timestamp()),
            },
        )
        return Checkout(payment_id, f"{self.public_url}{PAGES_PATH}/checkout/{token}")

    def webhook(
        self, payment: Mapping[str, Any], status: PaymentStatus, event_id: str
    ) -> tuple[bytes, dict[str, str]]:
        """A webhook request (body, headers), signed now: each delivery attempt signs afresh."""
        body = json.dumps(
            {
                "id": event_id,
                "type": f"payment.{status.value}",
                "data": {
                    "payment_id": payment["p"],
                    "status": status.value,
                    "amount_cents": payment["a"],
                    "currency": payment["c"],
                    "reference": payment["r"],
                },
            },
            separators=(",", ":"),
        ).encode()
        timestamp = int(self.clock().timestamp())
        headers = {
            SIGNATURE_HEADER: sign_webhook(self.secret, body, timestamp),
            "Content-Type": "application/json",
        }
        return body, headers

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> PaymentEvent:
        try:
            verify_webhook(
                self.secret,
                headers.get(SIGNATURE_HEADER),
                body,
                now=self.clock().timestamp(),
                tolerance=TOLERANCE_SECONDS,
            )
            event = json.loads(body)
            data = event["data"]
            return PaymentEvent(
                event_id=str(event["id"]),
                payment_id=str(data["payment_id"]),
                status=PaymentStatus(data["status"]),
                amount_cents=int(data["amount_cents"]),
                currency=str(data["currency"]),
                reference=str(data["reference"]),
            )
        except BadSignature as error:
            raise InvalidWebhook(str(error)) from None
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidWebhook(f"malformed webhook: {error}") from None

    async def payment_status(self, payment_id: str) -> PaymentReport:
        """Decided (paid or failed) as recorded by the payment page; otherwise pending until
        the checkout's lifetime is over, then expired."""
        if self.database is not None:
            async with self.database.read() as session:
                row = await session.scalar(
                    select(SandboxPayment).where(SandboxPayment.payment_id == payment_id)  # type: ignore[arg-type]
                )
            if row is not None:
                return PaymentReport(
                    payment_id,
                    CheckoutState(row.status),
                    row.amount_cents,
                    row.currency,
                    row.reference,
                )
        expires = _expiry_of(payment_id)
        if expires is not None and self.clock().timestamp() > expires:
            return PaymentReport(payment_id, CheckoutState.EXPIRED)
        return PaymentReport(payment_id, CheckoutState.PENDING)


def _expiry_of(payment_id: str) -> int | None:
    parts = payment_id.split("_", 2)
    if len(parts) == 3 and parts[1].isdigit():
        return int(parts[1])
    return None
