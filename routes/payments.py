"""Payment providers' webhooks (the only way an online payment credits a wallet) and the page
the payer's browser comes back to (which credits nothing)."""

import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from i18n.jinja import page_environment
from i18n.locales import preferred_locale
from payments.provider import InvalidWebhook
from services.sql.runtime import Runtime
from services.wallets import topups

log = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 64 * 1024

# The page the payer's browser comes back to, in their language (Accept-Language).
RETURN_PAGE = page_environment(Path(__file__).parent).get_template("payment_return.html")


async def webhook(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    provider = runtime.payments.providers.get(request.path_params["provider"])
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
    locale = preferred_locale(request.headers.get("accept-language"))
    headers = {"Content-Language": locale, "Vary": "Accept-Language"}
    return HTMLResponse(RETURN_PAGE.render(locale=locale), headers=headers)
