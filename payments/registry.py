"""The configured payment providers, their own HTTP pages, and their lifecycle."""

from dataclasses import dataclass, field

from starlette.routing import BaseRoute

from models.db import Database
from payments.provider import PaymentProvider
from payments.sandbox import SandboxProvider
from payments.sandbox_delivery import WebhookSender
from payments.sandbox_pages import SandboxPages
from settings import Settings

WEBHOOK_PATH = "/payments/webhooks/{provider}"
RETURN_PATH = "/payments/return"


@dataclass
class Payments:
    """`default` takes new online top-ups (None: online top-up unavailable); any provider in
    `providers` may still report on earlier payments."""

    public_url: str
    default: PaymentProvider | None = None
    providers: dict[str, PaymentProvider] = field(default_factory=dict)
    routes: list[BaseRoute] = field(default_factory=list)
    _senders: list[WebhookSender] = field(default_factory=list)

    def webhook_url(self, provider: str) -> str:
        return self.public_url + WEBHOOK_PATH.format(provider=provider)

    @property
    def return_url(self) -> str:
        return self.public_url + RETURN_PATH

    def start(self) -> None:
        for sender in self._senders:
            sender.start()

    async def aclose(self) -> None:
        for sender in self._senders:
            await sender.aclose()


def build_payments(settings: Settings, database: Database) -> Payments:
    payments = Payments(public_url=settings.public_url.rstrip("/"))
    if settings.active_payment_provider == "sandbox":
        sandbox = SandboxProvider.from_settings(
            settings.secret_key, settings.public_url, settings.clock, database
        )
        sender = WebhookSender(
            sandbox,
            database,
            max_attempts=settings.sandbox_webhook_attempts,
            retry_seconds=settings.sandbox_webhook_retry_seconds,
        )
        payments.default = sandbox
        payments.providers[sandbox.name] = sandbox
        payments.routes.extend(SandboxPages(sandbox, database, sender).routes())
        payments._senders.append(sender)
    return payments
