"""`GET /me/export.json`: the signed-in user's data export as a file, with the session in
`Authorization: Bearer ...` (as for documents). 200 the JSON, 401 without a valid session."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from i18n.locales import preferred_locale
from schema.messages import message
from services.accounts import sessions
from services.common.errors import ErrorCode
from services.gdpr.export import export_own_data
from services.sql.runtime import Runtime


async def export_json(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    actor = await sessions.authenticate_header(
        runtime.database, runtime.settings, request.headers.get("authorization")
    )
    if actor is None:
        locale = preferred_locale(request.headers.get("accept-language"))
        code = ErrorCode.UNAUTHENTICATED.value
        body = {"code": code, "message": message(code, locale, {}), "field": None}
        return JSONResponse({"error": body}, status_code=401)
    data = await runtime.transactions.read(lambda s: export_own_data(s, actor))
    return JSONResponse(
        data,
        headers={
            "Content-Disposition": 'attachment; filename="cartable-export.json"',
            "Cache-Control": "no-store",
        },
    )
