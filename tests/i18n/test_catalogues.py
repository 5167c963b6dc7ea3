"""The catalogues themselves: complete in every language, placeholders alike, plain text, and
exactly the keys the code and templates use (what `make messages` would write)."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from i18n.catalogue import LOCALES_DIR, catalogue_path
from i18n.locales import LOCALES
from services.common.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MARKUP = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")


def raw_catalogue(locale: str) -> Catalog:
    with catalogue_path(LOCALES_DIR, locale).open("rb") as file:
        return read_po(file)


CATALOGUES = {locale: raw_catalogue(locale) for locale in LOCALES}
# key -> locale -> text, from the files as they are (empty and fuzzy entries included).
ENTRIES = {
    locale: {str(entry.id): entry for entry in catalogue if entry.id}
    for locale, catalogue in CATALOGUES.items()
}
KEYS = sorted(set().union(*ENTRIES.values()))


def test_the_three_languages_have_a_catalogue_each() -> None:
    assert LOCALES == ("fr", "nl", "en")
    for locale, catalogue in CATALOGUES.items():
        assert str(catalogue.locale) == locale
        assert catalogue.charset == "utf-8"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_has_a_reviewed_text_in_every_language(locale: str) -> None:
    entries = ENTRIES[locale]
    assert sorted(entries) == KEYS, f"keys missing in {locale}: {set(KEYS) - set(entries)}"
    empty = [key for key, entry in entries.items() if not str(entry.string).strip()]
    fuzzy = [key for key, entry in entries.items() if entry.fuzzy]
    assert empty == [], f"{locale}: no text for {empty}"
    assert fuzzy == [], f"{locale}: unreviewed (fuzzy) texts for {fuzzy}"
    assert not CATALOGUES[locale].obsolete


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_are_the_same_in_every_language(key: str) -> None:
    placeholders = {
        locale: sorted(PLACEHOLDER.findall(str(ENTRIES[locale][key].string))) for locale in LOCALES
    }
    assert placeholders["nl"] == placeholders["fr"] == placeholders["en"], placeholders
    for locale in LOCALES:
        # Every text is %-formatted: a stray % (write %%) or an odd placeholder fails here.
        text = str(ENTRIES[locale][key].string)
        text % {name: "x" for name in placeholders[locale]}


@pytest.mark.parametrize("key", KEYS)
def test_texts_are_plain_text(key: str) -> None:
    for locale in LOCALES:
        text = str(ENTRIES[locale][key].string)
        assert not MARKUP.search(text), f"{locale} {key}: HTML in a text: {text!r}"
        assert text == text.strip(), f"{locale} {key}: spaces around {text!r}"


def used_keys() -> set[str]:
    """What `make messages` extracts, read the same way (i18n/babel.cfg from the root)."""
    with (ROOT / "i18n" / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=DEFAULT_KEYWORDS)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


def test_the_catalogues_hold_exactly_the_keys_code_and_templates_use() -> None:
    used = used_keys()
    assert sorted(used - set(KEYS)) == [], "used but not in the catalogues: run `make messages`"
    assert sorted(set(KEYS) - used) == [], "in the catalogues but used nowhere: `make messages`"


def test_every_error_code_has_a_message() -> None:
    assert {f"error.{code.value}" for code in ErrorCode} <= set(KEYS)
