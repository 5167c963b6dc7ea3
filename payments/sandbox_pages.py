"""The sandbox's payment page: GET shows it, POST with outcome=paid|failed decides, once.

After deciding, the sandbox sends its signed webhook to the application and only then sends
the browser back (303) to the return URL; the page itself never touches the application's data.
The page (sandbox_checkout.html) speaks the payer's language (Accept-Language).
"""

import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from i18n.formats import format_money
from i18n.jinja import page_environment
from i18n.locales import preferred_locale
from models.db import Database, dialect_insert
from models.sandbox_payments import SandboxPayment
from payments.provider import PaymentStatus
from payments.sandbox import PAGES_PATH, SandboxProvider
from payments.sandbox_delivery import WebhookSender
from payments.signing import BadSignature, read_token

PAGE = page_environment(Path(__file__).parent).get_template("sandbox_checkout.html")


class SandboxPages:
    def __init__(self, provider: SandboxProvider, database: Database, sender: WebhookSender):
        self.provider = provider
        self.database = database
        self.sender = sender

    def routes(self) -> list[Route]:
        return [Route(f"{PAGES_PATH}/checkout/{{token}}", self.checkout, methods=["GET", "POST"])]

    async def checkout(self, request: Request) -> Response:
        locale = preferred_locale(request.headers.get("accept-language"))
        try:
            payment = read_token(self.provider.secret, request.path_params["token"])
        except BadSignature:
            return _page(locale, None, "invalid", 404)
        if self.provider.clock().timestamp() > int(payment["e"]):
            return _page(locale, payment, "expired", 410)
        if request.method == "GET":
            decided = await self._decision(str(payment["p"]))
            return _page(locale, payment, decided or "open")
        form = await request.form()
        try:
            status = PaymentStatus(str(form.get("outcome", "")))
        except ValueError:
            return _page(locale, payment, "choose", 400)
        if not await self._decide(payment, status):
            decided = await self._decision(str(payment["p"]))
            return _page(locale, payment, decided or status.value, 409)
        await self.sender.send(str(payment["p"]))
        return RedirectResponse(str(payment["u"]), status_code=303)

    async def _decide(self, payment: dict[str, Any], status: PaymentStatus) -> bool:
        """Record the payer's choice; False when the payment was already decided."""
        insert = dialect_insert(self.database.dialect)
        async with self.database.write() as session:
            result = await session.execute(
                insert(SandboxPayment)
                .values(
                    payment_id=str(payment["p"]),
                    amount_cents=int(payment["a"]),
                    currency=str(payment["c"]),
                    reference=str(payment["r"]),
                    status=status.value,
                    decided_at=self.provider.clock(),
                    webhook_url=str(payment["w"]),
                    event_id="evt_" + secrets.token_urlsafe(12),
                    # Delivered at once by the page; the sender's loop retries from then on.
                    next_attempt_at=self.provider.clock() + self.sender.first_retry_at_delay(),
                )
                .on_conflict_do_nothing()
            )
            await session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _decision(self, payment_id: str) -> str | None:
        async with self.database.read() as session:
            status = await session.scalar(
                select(col(SandboxPayment.status)).where(
                    col(SandboxPayment.payment_id) == payment_id
                )
            )
        return None if status is None else str(status)


def _page(
    locale: str, payment: dict[str, Any] | None, state: str, status: int = 200
) -> HTMLResponse:
    """`state`: open (the form), choose (asked again), paid, failed, invalid or expired."""
    page = PAGE.render(
        locale=locale,
        state=state,
        description=str(payment["d"]) if payment else "",
        amount=format_money(int(payment["a"]), locale, str(payment["c"])) if payment else "",
    )
    headers = {"Content-Language": locale, "Vary": "Accept-Language"}
    return HTMLResponse(page, status_code=status, headers=headers)
