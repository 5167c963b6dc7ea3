"""Real sample files for document tests: PDF (fpdf2), PNG, office containers, impostors."""

import io
import struct
import zipfile
import zlib

from fpdf import FPDF

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORD_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf_bytes(text: str = "Bonjour", *, pad_to: int = 0) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    data = bytes(pdf.output())
    # Trailing bytes after %%EOF are ignored by readers: a real PDF of an exact size.
    return data + b"\n" * max(0, pad_to - len(data))


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _zip(entries: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def ooxml_bytes(main_type: str = WORD_MAIN, main_part: str = "/word/document.xml") -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="{main_part}" ContentType="{main_type}"/></Types>'
    )
    return _zip(
        [
            ("[Content_Types].xml", types),
            ("_rels/.rels", "<Relationships/>"),
            (main_part[1:], "<x/>"),
        ]
    )


def odt_bytes() -> bytes:
    return _zip([("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")])


def plain_zip_bytes() -> bytes:
    return _zip([("notes.txt", "not an office document")])


def ole2_bytes() -> bytes:
    return OLE2_MAGIC + b"\x00" * 1024


HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
