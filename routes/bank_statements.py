"""Bank statement upload (staff): `POST /bank-statements`, multipart/form-data with `file`, a
CODA file or a CAMT.053 XML file, with the staff session in `Authorization: Bearer ...` as for
documents (no cross-site form can send that header).

201 {"statementId", "lines", "credited", "unmatched", "duplicate": false} for a new statement;
200 with "duplicate": true when it was imported before (nothing credited); 400 (a broken file,
the reason in words a clerk understands), 401, 403, 413 (too large), 415 (not a statement) with
{"error": {"code", "message"}}.
"""

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from i18n.locales import preferred_locale
from routes.documents import FORM_OVERHEAD_BYTES, BodyTooLarge, _publisher, _read_form
from schema.ids import to_global_id
from schema.messages import message
from services.banking.importing import import_statement_file
from services.banking.problems import StatementRejected
from services.banking.receipts import mail_pending_receipts
from services.common.errors import DomainError, ErrorCode
from services.family.children import require_staff
from services.sql.runtime import Runtime

STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_FILE_TYPE: 415,
}


def _error(locale: str, error: DomainError) -> JSONResponse:
    text = (
        error.message(locale)
        if isinstance(error, StatementRejected)
        else message(error.code.value, locale, error.params)
    )
    body = {"code": error.code.value, "message": text, "field": error.field}
    if isinstance(error, StatementRejected):
        body["problem"] = error.problem.value
    return JSONResponse({"error": body}, status_code=STATUS.get(error.code, 400))


async def upload(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    locale = preferred_locale(request.headers.get("accept-language"))
    try:
        actor = await _publisher(request, runtime)
        require_staff(actor)
    except DomainError as error:
        return _error(locale, error)
    locale = actor.locale
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _error(locale, DomainError(ErrorCode.UNSUPPORTED_FILE_TYPE, "file"))
    limit = runtime.settings.documents_max_bytes + FORM_OVERHEAD_BYTES
    max_mb = round(runtime.settings.documents_max_bytes / (1024 * 1024), 1)
    try:
        form = await _read_form(request, limit)
    except BodyTooLarge:
        return _error(locale, DomainError(ErrorCode.FILE_TOO_LARGE, "file", max_mb=max_mb))
    except MultiPartException:
        return _error(locale, DomainError(ErrorCode.INVALID_INPUT, "file"))
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise DomainError(ErrorCode.INVALID_INPUT, "file")
        data = await file.read()
        if len(data) > runtime.settings.documents_max_bytes:
            raise DomainError(ErrorCode.FILE_TOO_LARGE, "file", max_mb=max_mb)
        result = await import_statement_file(runtime.transactions, actor, data)
    except DomainError as error:
        return _error(locale, error)
    finally:
        await form.close()
    body = {"statementId": to_global_id("BankStatement", result.statement_id), **result.to_json()}
    # The receipts are rendered after the answer (the background loop would otherwise).
    receipts = BackgroundTask(mail_pending_receipts, runtime.transactions)
    return JSONResponse(body, status_code=200 if result.duplicate else 201, background=receipts)
