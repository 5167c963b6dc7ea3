"""Reading PDFs as a person does: their text (pypdf) and the QR codes seen on each page
(pypdfium2 renders the page, zbar decodes it, as a phone's camera would).

zbar is Debian's libzbar0: `.ci/run` installs it; on a machine without it the QR tests skip,
except with CI=true, where its absence is a failure.
"""

import ctypes
import io
from typing import Any

import pypdf
import pypdfium2
import pytest
from PIL import Image

from tests.support.backends import IN_CI

RENDER_SCALE = 2.0  # 144 dpi: a 44 mm code is about 250 pixels wide
# zbar.h (0.23+): ZBAR_CFG_BINARY, "don't convert binary data to text". Without it zbar guesses
# a text encoding and turns UTF-8 accents into Shift-JIS; pyzbar does not name this setting.
ZBAR_CFG_BINARY = 4
GREY_FOURCC = 808466521  # "Y800"


def pdf_text(data: bytes) -> str:
    """The text of every page, pages separated by a blank line."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n\n".join(page.extract_text() for page in reader.pages)


def page_count(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def _zbar() -> Any:
    try:
        from pyzbar import wrapper
    except ImportError as error:  # the Python package is there; the C library may not be
        if IN_CI:
            pytest.fail(f"zbar is required in CI: {error}", pytrace=False)
        pytest.skip(f"zbar not installed (apt-get install libzbar0): {error}")
    return wrapper


def qr_payloads(data: bytes) -> list[bytes]:
    """The exact bytes of every QR code found on the rendered pages, in page order."""
    found: list[bytes] = []
    document = pypdfium2.PdfDocument(data)
    try:
        for page in document:
            found.extend(image_qr_payloads(page.render(scale=RENDER_SCALE).to_pil()))
    finally:
        document.close()
    return found


def image_qr_payloads(image: Image.Image) -> list[bytes]:
    """The exact bytes of every QR code in a picture."""
    grey = image.convert("L")
    return _decode(grey.tobytes(), *grey.size)


def _decode(pixels: bytes, width: int, height: int) -> list[bytes]:
    z = _zbar()
    scanner = z.zbar_image_scanner_create()
    image = z.zbar_image_create()
    try:
        qr = z.ZBarSymbol.QRCODE
        z.zbar_image_scanner_set_config(scanner, 0, z.ZBarConfig.CFG_ENABLE, 0)
        z.zbar_image_scanner_set_config(scanner, qr, z.ZBarConfig.CFG_ENABLE, 1)
        z.zbar_image_scanner_set_config(scanner, qr, ZBAR_CFG_BINARY, 1)
        z.zbar_image_set_format(image, GREY_FOURCC)
        z.zbar_image_set_size(image, width, height)
        buffer = ctypes.create_string_buffer(pixels, len(pixels))
        z.zbar_image_set_data(image, ctypes.cast(buffer, ctypes.c_void_p), len(pixels), None)
        if z.zbar_scan_image(scanner, image) < 0:
            raise RuntimeError("zbar could not scan the page")
        payloads = []
        symbol = z.zbar_image_first_symbol(image)
        while symbol:
            payloads.append(
                ctypes.string_at(
                    z.zbar_symbol_get_data(symbol), z.zbar_symbol_get_data_length(symbol)
                )
            )
            symbol = z.zbar_symbol_next(symbol)
        return payloads
    finally:
        z.zbar_image_destroy(image)
        z.zbar_image_scanner_destroy(scanner)
