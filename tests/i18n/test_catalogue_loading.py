"""Reading catalogues: what counts as a translation, and what a missing one falls back to."""

from pathlib import Path

import pytest

from i18n.catalogue import Catalogues, MissingText, catalogue_path, translate

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def write(directory: Path, locale: str, body: str) -> None:
    path = catalogue_path(directory, locale)
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body, encoding="utf-8")


@pytest.fixture
def catalogues(tmp_path: Path) -> Catalogues:
    write(
        tmp_path,
        "fr",
        'msgid "trip.title"\nmsgstr "Excursion à %(place)s"\n\n'
        'msgid "trip.note"\nmsgstr "Prévoir un pique-nique."\n\n'
        'msgid "trip.fuzzy"\nmsgstr "Texte relu"\n',
    )
    write(
        tmp_path,
        "nl",
        'msgid "trip.title"\nmsgstr "Uitstap naar %(place)s"\n\n'
        'msgid "trip.note"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "trip.fuzzy"\nmsgstr "Onnagekeken tekst"\n',
    )
    return Catalogues(tmp_path)


def test_a_text_is_formatted_in_the_language_asked(catalogues: Catalogues) -> None:
    assert catalogues.translate("trip.title", "nl-BE", place="Brugge") == "Uitstap naar Brugge"
    assert catalogues.translate("trip.title", "fr", place="Bruges") == "Excursion à Bruges"


def test_empty_and_fuzzy_translations_fall_back_to_french(catalogues: Catalogues) -> None:
    assert catalogues.text("trip.note", "nl") == "Prévoir un pique-nique."
    assert catalogues.text("trip.fuzzy", "nl") == "Texte relu"


def test_a_language_without_a_catalogue_reads_french(catalogues: Catalogues) -> None:
    assert catalogues.text("trip.note", "en") == "Prévoir un pique-nique."
    assert catalogues.text("trip.note", "de") == "Prévoir un pique-nique."


def test_a_key_no_catalogue_holds_is_an_error(catalogues: Catalogues) -> None:
    with pytest.raises(MissingText, match=r"trip\.nowhere"):
        catalogues.text("trip.nowhere", "nl")


def test_a_missing_placeholder_value_is_an_error() -> None:
    with pytest.raises(KeyError, match="retry_after"):
        translate("error.RATE_LIMITED", "en")


def test_the_shipped_catalogues() -> None:
    assert translate("error.SLOT_TAKEN", "nl") == (
        "Dit tijdslot werd net door iemand anders gereserveerd."
    )
    assert translate("error.RATE_LIMITED", "xx", retry_after=3) == (
        "Trop de tentatives. Réessayez dans 3 secondes."
    )
