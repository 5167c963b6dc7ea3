"""What a document file really is, judged on its bytes: the allow-list and the size limit.

PDF and images are recognised by their magic numbers (the `filetype` package). Office files
are containers, so the container is opened: OOXML (docx, xlsx, pptx) is a ZIP whose
`[Content_Types].xml` names the main part, OpenDocument a ZIP whose first `mimetype` entry
names the type, and the legacy formats (doc, xls, ppt) an OLE2 compound file. A plain ZIP,
a macro-enabled document, HTML or anything else is refused, whatever its name or declared type.
"""

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype

from services.common.errors import DomainError, ErrorCode

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOC, XLS, PPT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"

# Allowed content type -> the file name extensions that may carry it (the first is the usual).
ALLOWED: dict[str, tuple[str, ...]] = {
    PDF: ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg", "jpe"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/heic": ("heic",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    PPTX: ("pptx",),
    ODT: ("odt",),
    ODS: ("ods",),
    ODP: ("odp",),
    DOC: ("doc",),
    XLS: ("xls",),
    PPT: ("ppt",),
}
# Content types browsers declare for the same thing, and ones that say nothing.
ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": PDF}
UNINFORMATIVE = {"", "application/octet-stream", "binary/octet-stream"}

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_BY_EXTENSION = {"doc": DOC, "xls": XLS, "ppt": PPT}
OOXML_MAIN_PARTS = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# Only small metadata entries of a container are ever read (no decompression bombs).
MAX_METADATA_ENTRY = 1024 * 1024
MAX_FILE_NAME = 200


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    file_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def unsupported() -> DomainError:
    return DomainError(ErrorCode.UNSUPPORTED_FILE_TYPE, "file")


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DomainError(
            ErrorCode.FILE_TOO_LARGE, "file", max_mb=round(max_bytes / (1024 * 1024), 1)
        )
    if size == 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "file")


def check_file(
    data: bytes, file_name: str, declared_type: str | None, *, max_bytes: int
) -> CheckedFile:
    """Accept the file only if its bytes are an allowed type that its name and declared type
    agree with; the stored content type is the one found in the bytes."""
    check_size(len(data), max_bytes)
    name = clean_file_name(file_name)
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    content_type = sniff(data, extension)
    if content_type is None:
        raise unsupported()
    declared = (declared_type or "").split(";")[0].strip().lower()
    declared = ALIASES.get(declared, declared)
    if declared not in UNINFORMATIVE and declared != content_type:
        raise unsupported()
    if not extension:
        name = f"{name}.{ALLOWED[content_type][0]}"
    elif extension not in ALLOWED[content_type]:
        raise unsupported()
    return CheckedFile(data, content_type, name)


def sniff(data: bytes, extension: str = "") -> str | None:
    """The allowed content type these bytes are, or None."""
    if data.startswith(ZIP_MAGIC):
        return _zipped_office_type(data)
    if data.startswith(OLE2_MAGIC):
        # The compound file is checked; which of the three it holds is what the name says
        # (sniffing inside OLE2 is guesswork).
        return OLE2_BY_EXTENSION.get(extension)
    kind = filetype.guess(data)
    if kind is None:
        return None
    mime = "image/png" if kind.mime == "image/apng" else kind.mime
    return mime if mime in ALLOWED and mime not in OOXML_MAIN_PARTS else None


def _small_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_METADATA_ENTRY:
        return None
    return archive.read(info)


def _zipped_office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            mimetype = _small_entry(archive, "mimetype")
            if mimetype is not None:
                found = mimetype.decode("ascii", "replace").strip()
                return found if found in (ODT, ODS, ODP) else None
            types = _small_entry(archive, "[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError):
        return None
    if types is None:
        return None
    text = types.decode("utf-8", "replace")
    matches = [kind for kind, main in OOXML_MAIN_PARTS.items() if f'"{main}"' in text]
    return matches[0] if len(matches) == 1 else None


def clean_file_name(raw: str) -> str:
    """A display name only (files are stored under generated keys): no directories, no
    control characters, bounded length, extension kept."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > MAX_FILE_NAME:
        path = PurePosixPath(name)
        suffix = path.suffix[:16]
        name = path.stem[: MAX_FILE_NAME - len(suffix)] + suffix
    return name or "document"
