"""Payment providers' webhooks (the only way an online payment credits a wallet) and the page
the payer's browser comes back to (which credits nothing)."""

import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from payments.provider import InvalidWebhook
from payments.registry import Payments
from services.sql.runtime import Runtime
from services.wallets import topups

log = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 64 * 1024

RETURN_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Cartable — paiement</title></head>
<body style="font-family: sans-serif; max-width: 28rem; margin: 3rem auto">
<h1>Merci</h1>
<p>Le solde est mis à jour dès que le prestataire de paiement confirme le paiement.
Vous pouvez fermer cette page.</p>
<p lang="en">The balance is updated as soon as the payment provider confirms the payment.</p>
<p><a href="/">Retour au portail</a></p>
</body></html>"""


async def webhook(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    payments: Payments = runtime.extras["payments"]
    provider = payments.providers.get(request.path_params["provider"])
    if provider is None:
        return JSONResponse({"error": "unknown provider"}, status_code=404)
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        return JSONResponse({"error": "too large"}, status_code=413)
    try:
        event = provider.verify_webhook(request.headers, body)
    except InvalidWebhook as error:
        log.warning("refused a %s webhook: %s", provider.name, error)
        return JSONResponse({"error": "invalid webhook"}, status_code=400)
    outcome = await runtime.transactions.run(
        lambda uow: topups.settle_payment(uow, provider.name, event)
    )
    # Every verified event is acknowledged: a provider retries anything else forever.
    return JSONResponse({"received": event.event_id, "outcome": outcome.value})


async def payment_return(request: Request) -> Response:
    return HTMLResponse(RETURN_PAGE)
