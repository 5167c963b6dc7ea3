"""Photo campaigns over plain HTTP, for staff (the session in `Authorization: Bearer ...`, as
for document uploads, so no cross-site form can use them).

Proofs: `POST /photo-campaigns/{campaignId}/proofs`, multipart/form-data with `file` (a
picture or PDF) and `childId`: a `photo_proof` document for that child alone. 201 with the
document; errors as for document uploads.

Production list: `GET /photo-campaigns/{campaignId}/production.csv`: child, class, article,
quantity over the campaign's active orders, UTF-8 with a byte-order mark.
"""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from i18n.locales import preferred_locale
from routes.documents import _error, _publisher, content_disposition
from routes.uploads import UploadRefused, read_upload
from schema.ids import db_id_of, to_global_id
from services.accounts.actor import Actor
from services.common.errors import DomainError, NotFound
from services.photos.campaigns import add_proof
from services.photos.production import production_list, to_csv
from services.sql.runtime import Runtime


def _campaign_id(request: Request) -> int:
    campaign_id = db_id_of(request.path_params["campaign_id"], "PhotoCampaign")
    if campaign_id is None:
        raise NotFound("campaignId")
    return campaign_id


async def _proof_publisher(request: Request, runtime: Runtime) -> Actor:
    """Staff who may publish, on a campaign id that reads as one (checked before the body)."""
    actor = await _publisher(request, runtime)
    _campaign_id(request)
    return actor


async def upload_proof(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        sent = await read_upload(
            request, runtime, _proof_publisher, max_bytes=runtime.settings.documents_max_bytes
        )
    except UploadRefused as refused:
        return _error(refused.locale, refused.error, refused.status)
    try:
        child_id = db_id_of(str(sent.form.get("childId") or ""), "Child")
        if child_id is None:
            raise NotFound("childId")
        document = await add_proof(
            runtime.transactions,
            runtime.storage,
            sent.actor,
            campaign_id=_campaign_id(request),
            child_id=child_id,
            data=await sent.file.read(),
            file_name=sent.file.filename or "",
            content_type=sent.file.content_type,
        )
    except DomainError as error:
        return _error(sent.locale, error)
    finally:
        await sent.close()
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
