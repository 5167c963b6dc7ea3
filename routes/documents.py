"""Document upload (staff) and download (signed links) over plain HTTP.

Upload: `POST /documents`, multipart/form-data with `file`, `title`, `date` (YYYY-MM-DD),
`audience` (`child` with `childId`, `class` with `className`, or `school`). It needs the staff
session in `Authorization: Bearer ...`, a header no cross-site form can send (and the
preflight a script would need is never granted), so the upload has no CSRF hole. Errors are
JSON `{"errors": [{code, message, field}]}` with 400, 401, 403, 404, 413 or 415.

Replace: `POST /documents/{id}/file`, multipart with `file` alone (staff session): the document's
new version (services.documents.staff), answered like an upload with its `version` (200).

Download: `GET /documents/{id}/download?user=..&expires=..&sig=..`, the document's
`downloadUrl`. A forged, altered or expired link gets 403; a document the user can no longer
reach gets 404; either way nothing is marked read.
"""

import unicodedata
from datetime import date
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from i18n.locales import preferred_locale
from models.documents import Document
from routes.uploads import UploadRefused, read_upload
from schema.ids import db_id_of, to_global_id
from schema.messages import message
from services.accounts import sessions
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.documents import access as document_access
from services.documents import links as document_links
from services.documents import staff as staff_documents
from services.documents.publishing import (
    Audience,
    NewDocument,
    check_may_publish,
    upload_document,
)
from services.sql.runtime import Runtime

STATUS = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_FILE_TYPE: 415,
}
# Shown in the browser; everything else is saved to disk.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}


def _error(locale: str, error: DomainError, status: int | None = None) -> JSONResponse:
    body = {
        "code": error.code.value,
        "message": message(error.code.value, locale, error.params),
        "field": error.field,
    }
    return JSONResponse({"errors": [body]}, status_code=status or STATUS.get(error.code, 400))


def _audience(form: FormData) -> Audience:
    audience = str(form.get("audience") or "")
    if audience == "child":
        child_id = db_id_of(str(form.get("childId") or ""), "Child")
        if child_id is None:
            raise DomainError(ErrorCode.NOT_FOUND, "childId")
        return Audience.child(child_id)
    if audience == "class":
        return Audience.school_class(str(form.get("className") or ""))
    if audience == "school":
        return Audience.whole_school()
    raise DomainError(ErrorCode.INVALID_INPUT, "audience")


def _new_document(form: FormData) -> NewDocument:
    try:
        day = date.fromisoformat(str(form.get("date") or ""))
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "date") from None
    return NewDocument(title=str(form.get("title") or ""), date=day, audience=_audience(form))


async def _publisher(request: Request, runtime: Runtime) -> Actor:
    actor = await sessions.authenticate_header(
        runtime.database, runtime.settings, request.headers.get("authorization")
    )
    if actor is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED)
    check_may_publish(actor)
    return actor


async def upload(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        sent = await read_upload(
            request, runtime, _publisher, max_bytes=runtime.settings.documents_max_bytes
        )
    except UploadRefused as refused:
        return _error(refused.locale, refused.error, refused.status)
    try:
        new = _new_document(sent.form)
        document = await upload_document(
            runtime.transactions,
            runtime.storage,
            sent.actor,
            new,
            data=await sent.file.read(),
            file_name=sent.file.filename or "",
            declared_type=sent.file.content_type,
        )
    except DomainError as error:
        return _error(sent.locale, error)
    finally:
        await sent.close()
    return JSONResponse({"document": _listed(document)}, status_code=201)


async def replace_file(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        sent = await read_upload(
            request, runtime, _publisher, max_bytes=runtime.settings.documents_max_bytes
        )
    except UploadRefused as refused:
        return _error(refused.locale, refused.error, refused.status)
    try:
        document_id = db_id_of(request.path_params["document_id"], "Document")
        if document_id is None:
            raise DomainError(ErrorCode.NOT_FOUND, "documentId")
        replaced = await staff_documents.replace_document_file(
            runtime.transactions,
            runtime.storage,
            sent.actor,
            document_id,
            data=await sent.file.read(),
            file_name=sent.file.filename or "",
            declared_type=sent.file.content_type,
        )
    except DomainError as error:
        return _error(sent.locale, error)
    finally:
        await sent.close()
    return JSONResponse(
        {"document": {**_listed(replaced.document), "version": replaced.document.version}}
    )


def _listed(document: Document) -> dict[str, Any]:
    assert document.id is not None
    return {
        "id": to_global_id("Document", document.id),
        "title": document.title,
        "date": document.date.isoformat(),
        "kind": document.kind,
        "fileName": document.file_name,
        "contentType": document.content_type,
        "sizeBytes": document.size_bytes,
    }


def content_disposition(disposition: str, file_name: str) -> str:
    """RFC 6266: an ASCII `filename` for old clients and the exact name as `filename*`
    (RFC 8187 percent-encoding), so no quote, semicolon or line break gets through."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isalnum() or c in "._- ()" else "_" for c in ascii_name).strip()
    return (
        f'{disposition}; filename="{fallback or "document"}"; '
        f"filename*=UTF-8''{quote(file_name, safe='')}"
    )


async def download(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    locale = preferred_locale(request.headers.get("accept-language"))
    params = request.query_params
    claim = document_links.verify(
        runtime.settings,
        request.path_params["document_id"],
        params.get("user", ""),
        params.get("expires", ""),
        params.get("sig", ""),
    )
    if claim is None:
        return _error(locale, DomainError(ErrorCode.FORBIDDEN), 403)
    storage = runtime.storage
    # A HEAD (link preview, prefetch) is not the parent opening the document.
    opening = request.method == "GET"
    try:
        view = await runtime.transactions.read(
            lambda session: document_access.document_for_link(
                session, storage, claim, runtime.settings.clock
            )
        )
    except DomainError as error:
        return _error(locale, error, 404)
    if opening and not view.read:
        # Reading needs no write lock; only a first opening writes its marker.
        await runtime.transactions.run(lambda uow: document_access.mark_opened(uow, claim))
    document = view.document
    disposition = "inline" if document.content_type in INLINE_TYPES else "attachment"
    headers: dict[str, Any] = {
        "content-disposition": content_disposition(disposition, document.file_name),
        "content-length": str(document.size_bytes),
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
        "referrer-policy": "no-referrer",
    }
    if not opening:
        return Response(media_type=document.content_type, headers=headers)
    return StreamingResponse(
        storage.stream(document.storage_key), media_type=document.content_type, headers=headers
    )
