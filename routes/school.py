"""The school's administration over plain HTTP (staff session token): `POST /roster` and
`POST /class-moves` (the year change's `old_class,new_class` file).

Multipart `file` (the CSV), optional `dryRun=true` and, for the roster, `mode=full` (query
string or form). The answer is the plan's counts and errors as JSON: 200 when applied (or
planned), 422 when the file has errors (nothing applied); 401, 403 as for document uploads.
"""

from typing import NamedTuple

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from routes.documents import _error
from routes.uploads import UploadRefused, read_upload
from services.accounts import sessions
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.family.children import require_staff
from services.school.class_moves import import_class_moves
from services.school.roster import import_roster
from services.sql.runtime import Runtime

ROSTER_MAX_BYTES = 5 * 1024 * 1024


async def staff_of(request: Request, runtime: Runtime) -> Actor:
    """The staff member behind the request's bearer token (UNAUTHENTICATED, FORBIDDEN)."""
    actor = await sessions.authenticate_header(
        runtime.database, runtime.settings, request.headers.get("authorization")
    )
    if actor is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    require_staff(actor)
    return actor


def _flag(request: Request, form: dict[str, str], name: str) -> str:
    return (request.query_params.get(name) or form.get(name) or "").strip().lower()


class _Upload(NamedTuple):
    actor: Actor
    data: bytes
    fields: dict[str, str]


async def _staff_upload(request: Request, runtime: Runtime) -> _Upload | Response:
    """The staff member and the CSV file they sent, or the error response."""
    try:
        sent = await read_upload(request, runtime, staff_of, max_bytes=ROSTER_MAX_BYTES, overhead=0)
    except UploadRefused as refused:
        return _error(refused.locale, refused.error, refused.status)
    try:
        data = await sent.file.read()
        fields = {k: v for k, v in sent.form.items() if isinstance(v, str)}
    finally:
        await sent.close()
    return _Upload(sent.actor, data, fields)


def _dry_run(request: Request, fields: dict[str, str]) -> bool:
    return _flag(request, fields, "dryRun") in ("true", "1", "yes")


async def roster(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    upload = await _staff_upload(request, runtime)
    if isinstance(upload, Response):
        return upload
    actor, data, fields = upload
    locale = actor.locale
    dry_run = _dry_run(request, fields)
    mode = _flag(request, fields, "mode") or "add"
    if mode not in ("add", "full"):
        return _error(locale, DomainError(ErrorCode.INVALID_INPUT, "mode"))
    report = await import_roster(
        runtime.transactions, actor, data, dry_run=dry_run, full=mode == "full"
    )
    return JSONResponse(report.as_json(), status_code=422 if report.errors else 200)


async def class_moves(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    upload = await _staff_upload(request, runtime)
    if isinstance(upload, Response):
        return upload
    report = await import_class_moves(
        runtime.transactions, upload.actor, upload.data, dry_run=_dry_run(request, upload.fields)
    )
    return JSONResponse(report.as_json(), status_code=422 if report.errors else 200)
