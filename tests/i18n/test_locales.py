"""Picking a language: a stored setting, or the browser's Accept-Language header."""

import pytest

from i18n.locales import normalise_locale, preferred_locale


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("fr", "fr"),
        ("nl", "nl"),
        ("en", "en"),
        ("nl-BE", "nl"),
        ("nl_BE", "nl"),
        ("EN-gb", "en"),
        ("de", "fr"),
        ("", "fr"),
        (None, "fr"),
        ("xx-nl", "fr"),
    ],
)
def test_normalise_locale(given: str | None, expected: str) -> None:
    assert normalise_locale(given) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-BE,nl;q=0.9,fr;q=0.8,en;q=0.5", "nl"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.7,nl;q=0.8", "nl"),
        ("en;q=0.5, nl;q=0.9", "nl"),
        ("fr;q=0, nl;q=0.1", "nl"),
        ("en;q=0", "fr"),
        ("nl;q=zero, en", "en"),
        ("fr, nl", "fr"),
        ("*", "fr"),
        ("de", "fr"),
        ("", "fr"),
        (None, "fr"),
    ],
)
def test_preferred_locale_follows_the_weights(header: str | None, expected: str) -> None:
    assert preferred_locale(header) == expected


def test_a_huge_header_is_read_only_so_far() -> None:
    assert preferred_locale("de," * 10_000 + "nl") == "fr"
