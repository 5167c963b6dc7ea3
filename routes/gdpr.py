"""A user's data export over plain HTTP.

`GET /me/export.json`: the export as a file, with the session in `Authorization: Bearer ...`
(as for documents). 200 the JSON; for a family above DATA_EXPORT_INLINE_ROWS, 202 and the
export is built in the background and mailed as a link. 401 without a valid session.

`GET /me/exports/{id}?user=&expires=&sig=`: the mailed link. It wants the signature (403 when
forged, altered or expired) and the session of the user it was made for, by bearer or by the
dashboard's cookie (401 without one; a browser, which asks for HTML, is sent instead to the
dashboard's sign-in page with the link as `next`, and comes back to it once signed in); 404
for another user's export or one already downloaded or swept. It works once: the file is
deleted as it is served.
"""

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from i18n.locales import preferred_locale
from schema.messages import message
from services.accounts import sessions
from services.accounts.actor import Actor
from services.accounts.credentials import bearer_token
from services.common.errors import DomainError, ErrorCode
from services.gdpr import deferred
from services.gdpr.export import export_own_data
from services.gdpr.links import verify
from services.sql.runtime import Runtime
from web_access import cookies

FILE_HEADERS = {
    "Content-Disposition": 'attachment; filename="cartable-export.json"',
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


def _error(request: Request, code: ErrorCode, status: int, locale: str | None = None) -> Response:
    locale = locale or preferred_locale(request.headers.get("accept-language"))
    body = {"code": code.value, "message": message(code.value, locale, {}), "field": None}
    return JSONResponse({"error": body}, status_code=status)


async def export_json(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    actor = await sessions.authenticate_header(
        runtime.database, runtime.settings, request.headers.get("authorization")
    )
    if actor is None:
        return _error(request, ErrorCode.UNAUTHENTICATED, 401)
    tx = runtime.transactions
    limit = runtime.settings.data_export_inline_rows
    if await tx.read(lambda s: deferred.is_large(s, actor, limit)):
        await tx.run(lambda uow: deferred.request_export(uow, actor))
        runtime.export_worker.wake()
        return JSONResponse({"queued": True}, status_code=202)
    data = await tx.read(lambda s: export_own_data(s, actor))
    return JSONResponse(data, headers=FILE_HEADERS)


async def _session_actor(request: Request, runtime: Runtime) -> Actor | None:
    token = bearer_token(request.headers.get("authorization"))
    token = token or cookies.session_token(request.headers)
    if token is None:
        return None
    return await sessions.authenticate(runtime.database, runtime.settings, token)


def _wants_html(request: Request) -> bool:
    """A browser following the mailed link (API clients ask for JSON or anything)."""
    return "text/html" in request.headers.get("accept", "").lower()


def _sign_in_first(request: Request) -> Response:
    # Same-origin path only: the sign-in page follows nothing else (web/ safeNext).
    link = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login?" + urlencode({"next": link})
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


async def download_export(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    params = request.query_params
    claim = verify(
        runtime.settings,
        request.path_params["export_id"],
        params.get("user", ""),
        params.get("expires", ""),
        params.get("sig", ""),
    )
    if claim is None:
        return _error(request, ErrorCode.FORBIDDEN, 403)
    actor = await _session_actor(request, runtime)
    if actor is None:
        if _wants_html(request):
            return _sign_in_first(request)
        return _error(request, ErrorCode.UNAUTHENTICATED, 401)
    try:
        download = await deferred.download_once(
            runtime.transactions, runtime.export_worker.storage, claim, actor
        )
    except DomainError as error:
        return _error(request, error.code, 404, actor.locale)
    return Response(download.data, media_type="application/json", headers=FILE_HEADERS)
