"""Webhook signatures: HMAC-SHA256 over "<timestamp>." + body, five minutes either way."""

import pytest

from payments.signing import BadSignature, read_token, sign_token, sign_webhook, verify_webhook

SECRET = b"s" * 32
BODY = b'{"id":"evt_1","type":"payment.paid"}'


def test_a_fresh_signature_verifies() -> None:
    header = sign_webhook(SECRET, BODY, 1_700_000_000)
    verify_webhook(SECRET, header, BODY, now=1_700_000_000 + 300)
    verify_webhook(SECRET, header, BODY, now=1_700_000_000 - 300)


@pytest.mark.parametrize(
    ("secret", "header_time", "body", "now", "reason"),
    [
        (b"other", 1_700_000_000, BODY, 1_700_000_000, "signature mismatch"),
        (SECRET, 1_700_000_000, BODY + b" ", 1_700_000_000, "signature mismatch"),
        (SECRET, 1_700_000_000, BODY, 1_700_000_301, "stale timestamp"),
        (SECRET, 1_700_000_000, BODY, 1_699_999_699, "stale timestamp"),
    ],
)
def test_forged_altered_or_stale_are_refused(
    secret: bytes, header_time: int, body: bytes, now: int, reason: str
) -> None:
    header = sign_webhook(secret, BODY, header_time)
    with pytest.raises(BadSignature, match=reason):
        verify_webhook(SECRET, header, body, now=now)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=abc,v1=abc", "t=1700000000"])
def test_malformed_headers_are_refused(header: str | None) -> None:
    with pytest.raises(BadSignature):
        verify_webhook(SECRET, header, BODY, now=1_700_000_000)


def test_the_timestamp_is_signed_too() -> None:
    header = sign_webhook(SECRET, BODY, 1_700_000_000)
    moved = header.replace("t=1700000000", "t=1700000100")
    with pytest.raises(BadSignature, match="signature mismatch"):
        verify_webhook(SECRET, moved, BODY, now=1_700_000_100)


def test_tokens_round_trip_and_resist_tampering() -> None:
    token = sign_token(SECRET, {"p": "sbx_1", "a": 2000})
    assert read_token(SECRET, token) == {"p": "sbx_1", "a": 2000}
    signature = token.partition(".")[2]
    forged = sign_token(SECRET, {"p": "sbx_1", "a": 1}).partition(".")[0] + "." + signature
    with pytest.raises(BadSignature):
        read_token(SECRET, forged)
    with pytest.raises(BadSignature):
        read_token(b"other", token)
