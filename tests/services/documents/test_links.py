"""Download links: bound to one document and one user, valid ten minutes, unforgeable."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from services.documents.links import download_url, verify
from settings import Settings
from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(clock: FakeClock) -> Settings:
    return Settings(secret_key="s" * 40, public_url="https://portal.example", clock=clock)


def parts(url: str) -> tuple[str, str, str, str]:
    split = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(split.query).items()}
    document_id = split.path.split("/")[2]
    return document_id, query["user"], query["expires"], query["sig"]


def test_a_link_verifies_for_its_document_and_user_until_it_expires(
    settings: Settings, clock: FakeClock
) -> None:
    url = download_url(settings, 42, 7, clock())
    assert url.startswith("https://portal.example/documents/42/download?")
    claim = verify(settings, *parts(url))
    assert claim is not None and (claim.document_id, claim.user_id) == (42, 7)
    clock.advance(minutes=9, seconds=59)
    assert verify(settings, *parts(url)) is not None
    clock.advance(seconds=1)
    assert verify(settings, *parts(url)) is None


def test_link_lifetime_is_a_setting(settings: Settings, clock: FakeClock) -> None:
    short = settings.model_copy(update={"document_link_minutes": 1})
    url = download_url(short, 1, 1, clock())
    clock.advance(timedelta(seconds=61))
    assert verify(short, *parts(url)) is None


def test_changing_anything_breaks_the_signature(settings: Settings, clock: FakeClock) -> None:
    document_id, user, expires, sig = parts(download_url(settings, 42, 7, clock()))
    other_sig = parts(download_url(settings, 43, 7, clock()))[3]
    assert verify(settings, "43", user, expires, sig) is None  # another document
    assert verify(settings, document_id, "8", expires, sig) is None  # another user
    assert verify(settings, document_id, user, str(int(expires) + 3600), sig) is None
    assert verify(settings, document_id, user, expires, other_sig) is None
    assert (
        verify(settings, document_id, user, expires, sig[:-1] + ("B" if sig.endswith("A") else "A"))
        is None
    )
    assert verify(settings, document_id, user, expires, "") is None
    assert verify(settings, document_id, user, expires, "é" * 10) is None
    assert verify(settings, "-1", user, expires, sig) is None
    other_secret = settings.model_copy(update={"secret_key": "t" * 40})
    assert verify(other_secret, document_id, user, expires, sig) is None
