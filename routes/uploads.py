"""The start every staff upload over plain HTTP shares (documents, photo proofs, the roster, bank
statements): who is asking, a multipart/form-data body read within its size limit (cut off as
soon as it passes it), and its `file` field.

    try:
        upload = await read_upload(request, runtime, _publisher, max_bytes=...)
    except UploadRefused as refused:
        return _error(refused.locale, refused.error, refused.status)
    try:
        ...  upload.file, upload.form, upload.actor
    finally:
        await upload.close()

A refusal carries the DomainError and, where the code alone does not say it, the status: each
route words its errors its own way (the bank statement route as its contract says).
"""

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from i18n.locales import preferred_locale
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.sql.runtime import Runtime

# Room for the form's other fields and multipart framing around the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
MIB = 1024 * 1024

Authenticate = Callable[[Request, Runtime], Awaitable[Actor]]


class BodyTooLarge(Exception):
    pass


class UploadRefused(Exception):
    def __init__(self, locale: str, error: DomainError, status: int | None = None) -> None:
        super().__init__(str(error))
        self.locale = locale  # the request's language before sign-in, the user's after
        self.error = error
        self.status = status


@dataclass(frozen=True)
class Upload:
    actor: Actor
    locale: str
    form: FormData
    file: UploadFile
    max_mb: float  # the limit as the FILE_TOO_LARGE message tells it

    async def close(self) -> None:
        await self.form.close()


async def read_upload(
    request: Request,
    runtime: Runtime,
    authenticate: Authenticate,
    *,
    max_bytes: int,
    overhead: int = FORM_OVERHEAD_BYTES,
    not_multipart: ErrorCode = ErrorCode.INVALID_INPUT,
) -> Upload:
    """The signed-in actor's upload, its form read; the caller closes it. Raises UploadRefused:
    authentication's error, 415 (not multipart), FILE_TOO_LARGE (over `max_bytes` + `overhead`),
    INVALID_INPUT (a broken body, no `file`)."""
    locale = preferred_locale(request.headers.get("accept-language"))
    try:
        actor = await authenticate(request, runtime)
    except DomainError as error:
        raise UploadRefused(locale, error) from None
    locale = actor.locale
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UploadRefused(locale, DomainError(not_multipart, "file"), 415)
    max_mb = round(max_bytes / MIB, 1)
    try:
        form = await read_form(request, max_bytes + overhead)
    except BodyTooLarge:
        too_large = DomainError(ErrorCode.FILE_TOO_LARGE, "file", max_mb=max_mb)
        raise UploadRefused(locale, too_large) from None
    except MultiPartException:
        raise UploadRefused(locale, DomainError(ErrorCode.INVALID_INPUT, "file")) from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        await form.close()
        raise UploadRefused(locale, DomainError(ErrorCode.INVALID_INPUT, "file"))
    return Upload(actor, locale, form, file, max_mb)


async def read_form(request: Request, limit: int) -> FormData:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    parser = MultiPartParser(
        request.headers, _limited(request.stream(), limit), max_files=1, max_fields=10
    )
    return await parser.parse()


async def _limited(stream: AsyncGenerator[bytes, None], limit: int) -> AsyncGenerator[bytes, None]:
    """The request body, cut off (and refused) as soon as it passes `limit` bytes."""
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge()
        yield chunk
