"""The sandbox's payment page: GET shows it, POST with outcome=paid|failed decides, once.

After deciding, the sandbox sends its signed webhook to the application and only then sends
the browser back (303) to the return URL; the page itself never touches the application's data.
"""

import html
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from sqlalchemy import select
from sqlmodel import col
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from models.db import Database, dialect_insert
from models.sandbox_payments import SandboxPayment
from payments.provider import PaymentStatus
from payments.sandbox import PAGES_PATH, SandboxProvider
from payments.sandbox_delivery import WebhookSender
from payments.signing import BadSignature, read_token

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Sandbox — paiement</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
<h1>Paiement de test</h1>
<p>{description}</p>
<p><strong>{amount}</strong></p>
{body}
<p><small>Prestataire de paiement de démonstration : aucun argent réel ne circule.</small></p>
</body></html>"""

FORM = """<form method="post">
<button name="outcome" value="paid">Payer</button>
<button name="outcome" value="failed">Refuser le paiement</button>
</form>"""


class SandboxPages:
    def __init__(self, provider: SandboxProvider, database: Database, sender: WebhookSender):
        self.provider = provider
        self.database = database
        self.sender = sender

    def routes(self) -> list[Route]:
        return [Route(f"{PAGES_PATH}/checkout/{{token}}", self.checkout, methods=["GET", "POST"])]

    async def checkout(self, request: Request) -> Response:
        try:
            payment = read_token(self.provider.secret, request.path_params["token"])
        except BadSignature:
            return self._page(None, "<p>Ce lien de paiement n'est pas valable.</p>", 404)
        if self.provider.clock().timestamp() > int(payment["e"]):
            return self._page(payment, "<p>Ce lien de paiement a expiré.</p>", 410)
        if request.method == "GET":
            decided = await self._decision(str(payment["p"]))
            return self._page(payment, FORM if decided is None else _decided(decided))
        form = await request.form()
        try:
            status = PaymentStatus(str(form.get("outcome", "")))
        except ValueError:
            return self._page(payment, "<p>Choisissez payer ou refuser.</p>" + FORM, 400)
        if not await self._decide(payment, status):
            decided = await self._decision(str(payment["p"]))
            return self._page(payment, _decided(decided or status.value), 409)
        await self.sender.send(payment, status)
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

    def _page(self, payment: dict[str, Any] | None, body: str, status: int = 200) -> HTMLResponse:
        description = html.escape(str(payment["d"])) if payment else ""
        amount = ""
        if payment:
            cents = Decimal(int(payment["a"])) / 100
            amount = html.escape(format_currency(cents, str(payment["c"]), locale="fr_BE"))
        return HTMLResponse(
            PAGE.format(description=description, amount=amount, body=body), status_code=status
        )


def _decided(status: str) -> str:
    text = "a été payé" if status == PaymentStatus.PAID else "a été refusé"
    return f"<p>Ce paiement {text}.</p>"
