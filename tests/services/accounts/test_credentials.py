"""The credential a request's `Authorization` header carries: a session token or a device key."""

import pytest

from services.accounts.credentials import bearer_token, credential, device_key


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer   abc  ", "abc"),
        ("BEARER abc", "abc"),
        ("Bearer", None),
        ("Bearer    ", None),
        ("Device abc", None),
        ("Basic abc", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_a_session_token_comes_only_from_the_bearer_scheme(
    header: object, token: str | None
) -> None:
    assert bearer_token(header) == token


def test_a_device_key_comes_only_from_the_device_scheme() -> None:
    assert device_key("Device dev_123") == "dev_123"
    assert device_key("device dev_123") == "dev_123"
    assert device_key("Bearer dev_123") is None
    assert credential("Device dev_123", "bearer") is None
