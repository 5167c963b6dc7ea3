"""Photo campaigns over plain HTTP, for staff (the session in `Authorization: Bearer ...`, as
for document uploads, so no cross-site form can use them).

Proofs: `POST /photo-campaigns/{campaignId}/proofs`, multipart/form-data with `file` (a
picture or PDF) and `childId`: a `photo_proof` document for that child alone. 201 with the
document; errors as for document uploads.

Production list: `GET /photo-campaigns/{campaignId}/production.csv`: child, class, article,
quantity over the campaign's active orders, UTF-8 with a byte-order mark.
"""

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from i18n.locales import preferred_locale
from routes.documents import (
    FORM_OVERHEAD_BYTES,
    BodyTooLarge,
    _error,
    _publisher,
    _read_form,
    content_disposition,
)
from schema.ids import db_id_of, to_global_id
from services.common.errors import DomainError, ErrorCode, NotFound
from services.photos.campaigns import add_proof
from services.photos.production import production_list, to_csv
from services.sql.runtime import Runtime


def _campaign_id(request: Request) -> int:
    campaign_id = db_id_of(request.path_params["campaign_id"], "PhotoCampaign")
    if campaign_id is None:
        raise NotFound("campaignId")
    return campaign_id


async def upload_proof(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    locale = preferred_locale(request.headers.get("accept-language"))
    try:
        actor = await _publisher(request, runtime)
        campaign_id = _campaign_id(request)
    except DomainError as error:
        return _error(locale, error)
    locale = actor.locale
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _error(locale, DomainError(ErrorCode.INVALID_INPUT, "file"), 415)
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
        child_id = db_id_of(str(form.get("childId") or ""), "Child")
        if child_id is None:
            raise NotFound("childId")
        document = await add_proof(
            runtime.transactions,
            runtime.storage,
            actor,
            campaign_id=campaign_id,
            child_id=child_id,
            data=await file.read(),
            file_name=file.filename or "",
            content_type=file.content_type,
        )
    except DomainError as error:
        return _error(locale, error)
    finally:
        await form.close()
    assert document.id is not None
    body = {
        "id": to_global_id("Document", document.id),
        "title": document.title,
        "kind": document.kind,
        "fileName": document.file_name,
        "contentType": document.content_type,
    }
    return JSONResponse({"document": body}, status_code=201)


async def production_csv(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    locale = preferred_locale(request.headers.get("accept-language"))
    try:
        actor = await _publisher(request, runtime)
        campaign_id = _campaign_id(request)
        title, rows = await runtime.transactions.read(
            lambda session: production_list(session, actor, campaign_id)
        )
    except DomainError as error:
        return _error(locale, error)
    headers = {
        "content-disposition": content_disposition("attachment", f"{title}.csv"),
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
    }
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
