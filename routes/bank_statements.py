"""Bank statement upload (staff): `POST /bank-statements`, multipart/form-data with `file`, a
CODA file or a CAMT.053 XML file, with the staff session in `Authorization: Bearer ...` as for
documents (no cross-site form can send that header).

201 {"statementId", "lines", "credited", "unmatched", "duplicate": false} for a new statement;
200 with "duplicate": true when it was imported before (nothing credited); 400 (a broken file,
the reason in words a clerk understands), 401, 403, 413 (too large), 415 (not a statement) with
{"error": {"code", "message"}}.
"""

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from routes.documents import _publisher
from routes.uploads import UploadRefused, read_upload
from schema.ids import to_global_id
from schema.messages import message
from services.accounts.actor import Actor
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


async def _clerk(request: Request, runtime: Runtime) -> Actor:
    actor = await _publisher(request, runtime)
    require_staff(actor)
    return actor


async def upload(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    max_bytes = runtime.settings.documents_max_bytes
    try:
        sent = await read_upload(
            request,
            runtime,
            _clerk,
            max_bytes=max_bytes,
            not_multipart=ErrorCode.UNSUPPORTED_FILE_TYPE,
        )
    except UploadRefused as refused:
        return _error(refused.locale, refused.error)
    try:
        data = await sent.file.read()
        if len(data) > max_bytes:
            raise DomainError(ErrorCode.FILE_TOO_LARGE, "file", max_mb=sent.max_mb)
        result = await import_statement_file(runtime.transactions, sent.actor, data)
    except DomainError as error:
        return _error(sent.locale, error)
    finally:
        await sent.close()
    body = {"statementId": to_global_id("BankStatement", result.statement_id), **result.to_json()}
    # The receipts are rendered after the answer (the background loop would otherwise).
    receipts = BackgroundTask(mail_pending_receipts, runtime.transactions)
    return JSONResponse(body, status_code=200 if result.duplicate else 201, background=receipts)
