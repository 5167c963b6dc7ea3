"""The EPC code on its own (EPC069-12), decoded from segno's picture of it by zbar."""

import io
from dataclasses import replace

import pytest
import segno
from PIL import Image

from services.billing.epc import epc_qr, structured_reference
from tests.services.billing.samples import COMMUNICATION, DIGITS, SCHOOL
from tests.support.pdf import image_qr_payloads


def scanned(qr: segno.QRCode) -> bytes:
    picture = io.BytesIO()
    qr.save(picture, kind="png", scale=4)
    picture.seek(0)
    (payload,) = image_qr_payloads(Image.open(picture))
    return payload


def test_the_payload_is_version_002_utf8_sct_with_the_structured_reference() -> None:
    assert scanned(epc_qr(SCHOOL, 42_00, COMMUNICATION)).split(b"\n") == [
        b"BCD",  # service tag
        b"002",  # version
        b"1",  # character set: UTF-8, even for a plain ASCII name
        b"SCT",  # SEPA credit transfer
        b"GKCCBEBB",
        b"Les Tilleuls ASBL",
        b"BE68539007547034",
        b"EUR42",
        b"",  # no purpose code
        DIGITS.encode(),
    ]


def test_error_correction_and_size_stay_within_the_standard() -> None:
    longest = replace(SCHOOL, account_holder="É" * 70)
    qr = epc_qr(longest, 999_999_999_99, COMMUNICATION)
    assert qr.error == "M"
    assert isinstance(qr.version, int)
    assert qr.version <= 13
    assert scanned(qr).split(b"\n")[5:8] == [
        ("É" * 70).encode(),
        b"BE68539007547034",
        b"EUR999999999.99",
    ]


def test_the_reference_is_the_communications_twelve_digits() -> None:
    assert structured_reference("+++010/8068/17183+++") == DIGITS
    assert structured_reference("010 8068 17183") == DIGITS
    with pytest.raises(ValueError):  # noqa: PT011 (stdnum's checksum error)
        structured_reference("+++010/8068/17184+++")


@pytest.mark.parametrize("cents", [0, -1])
def test_there_is_no_code_for_nothing_to_pay(cents: int) -> None:
    with pytest.raises(ValueError, match="positive amount"):
        epc_qr(SCHOOL, cents, COMMUNICATION)
