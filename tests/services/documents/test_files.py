"""A document is accepted on what its bytes are, and only if its name and declared type agree."""

import pytest

from services.common.errors import DomainError
from services.documents.files import DOC, DOCX, ODT, PDF, XLSX, check_file, clean_file_name
from settings import Settings
from tests.support.files import (
    HTML,
    MACRO_WORD_MAIN,
    SHEET_MAIN,
    odt_bytes,
    ole2_bytes,
    ooxml_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
)

LIMIT = 1024 * 1024


def code_of(data: bytes, name: str, declared: str | None = None, limit: int = LIMIT) -> str:
    with pytest.raises(DomainError) as refused:
        check_file(data, name, declared, max_bytes=limit)
    return refused.value.code.value


@pytest.mark.parametrize(
    ("data", "name", "declared", "stored_type"),
    [
        (pdf_bytes(), "bulletin.pdf", "application/pdf", PDF),
        (pdf_bytes(), "BULLETIN.PDF", None, PDF),
        (pdf_bytes(), "bulletin.pdf", "application/octet-stream", PDF),
        (png_bytes(), "photo.png", "image/png", "image/png"),
        (ooxml_bytes(), "lettre.docx", DOCX, DOCX),
        (ooxml_bytes(SHEET_MAIN, "/xl/workbook.xml"), "notes.xlsx", None, XLSX),
        (odt_bytes(), "lettre.odt", None, ODT),
        (ole2_bytes(), "ancien.doc", "application/msword", DOC),
    ],
)
def test_allowed_files_are_stored_with_the_type_found_in_their_bytes(
    data: bytes, name: str, declared: str | None, stored_type: str
) -> None:
    checked = check_file(data, name, declared, max_bytes=LIMIT)
    assert checked.content_type == stored_type
    assert checked.data == data


@pytest.mark.parametrize(
    ("data", "name", "declared"),
    [
        (png_bytes(), "bulletin.pdf", "application/pdf"),  # an image named as a PDF
        (pdf_bytes(), "photo.png", None),  # a PDF named as an image
        (pdf_bytes(), "bulletin.pdf", "image/png"),  # declared type disagrees
        (HTML, "page.pdf", "application/pdf"),
        (HTML, "page.html", "text/html"),
        (plain_zip_bytes(), "archive.docx", DOCX),  # a ZIP is not an office document
        (plain_zip_bytes(), "archive.zip", "application/zip"),
        (ooxml_bytes(MACRO_WORD_MAIN), "macro.docx", None),  # macro-enabled: refused
        (ooxml_bytes(), "lettre.xlsx", None),  # a Word file named as a spreadsheet
        (ole2_bytes(), "setup.pdf", None),  # a compound file that claims to be a PDF
        (b"%PDX not quite", "x.pdf", None),
        (b"MZ\x90\x00 executable", "bulletin.pdf", None),
    ],
)
def test_files_whose_bytes_are_not_what_they_claim_are_refused(
    data: bytes, name: str, declared: str | None
) -> None:
    assert code_of(data, name, declared) == "UNSUPPORTED_FILE_TYPE"


def test_size_limit_is_exact_and_empty_files_are_refused() -> None:
    at_limit = pdf_bytes(pad_to=4096)
    assert len(at_limit) == 4096
    assert check_file(at_limit, "a.pdf", None, max_bytes=4096).content_type == PDF
    assert code_of(at_limit + b"\n", "a.pdf", limit=4096) == "FILE_TOO_LARGE"
    assert code_of(b"", "a.pdf") == "INVALID_INPUT"


def test_default_limit_is_twenty_megabytes() -> None:
    assert Settings().documents_max_bytes == 20 * 1024 * 1024


def test_a_name_without_extension_gets_the_one_of_its_bytes() -> None:
    assert check_file(pdf_bytes(), "bulletin", None, max_bytes=LIMIT).file_name == "bulletin.pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\anne\\Bulletin.pdf", "Bulletin.pdf"),
        ('bul"le\r\ntin\x00.pdf', 'bul"letin.pdf'),
        ("Bulletin d'Émile.pdf", "Bulletin d'Émile.pdf"),
        ("", "document"),
        ("...", "document"),
    ],
)
def test_file_names_are_display_names_only(raw: str, clean: str) -> None:
    assert clean_file_name(raw) == clean


def test_long_names_keep_their_extension() -> None:
    cleaned = clean_file_name("x" * 500 + ".pdf")
    assert len(cleaned) == 200
    assert cleaned.endswith("x.pdf")
