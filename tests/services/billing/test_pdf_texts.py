"""The PDF texts move into the gettext catalogue as they are: same keys and same placeholders
in every language, every key printed somewhere."""

import re
from pathlib import Path

import pytest

from services.billing import pdf_texts
from services.billing.pdf_layout import printable
from services.billing.pdf_texts import LOCALES, TEXTS, text

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
RENDERERS = Path(pdf_texts.__file__).parent


def test_every_language_has_the_same_keys() -> None:
    assert set(TEXTS) == set(LOCALES)
    for locale in LOCALES:
        assert set(TEXTS[locale]) == set(TEXTS["fr"]), locale


@pytest.mark.parametrize("key", sorted(TEXTS["fr"]))
def test_placeholders_are_identical_across_languages(key: str) -> None:
    expected = sorted(PLACEHOLDER.findall(TEXTS["fr"][key]))
    for locale in LOCALES:
        assert sorted(PLACEHOLDER.findall(TEXTS[locale][key])) == expected, locale
        # Nothing else that %-formatting would read: a stray % fails here, not on a parent's PDF.
        assert "%" not in PLACEHOLDER.sub("", TEXTS[locale][key].replace("%%", ""))


def test_every_text_is_used_by_a_renderer() -> None:
    source = "".join(
        path.read_text(encoding="utf-8")
        for path in RENDERERS.glob("pdf_*.py")
        if path.name != "pdf_texts.py"
    )
    column_keys = re.findall(r'"(\w+)"', source)
    for key in TEXTS["fr"]:
        used = f'"{key}"' in source or (
            key.startswith("billing.pdf.column.") and key.rsplit(".", 1)[1] in column_keys
        )
        assert used, key


def test_placeholders_are_filled_by_name() -> None:
    assert (
        text("en", "billing.pdf.pay.intro", amount="€3.00", due_date="1 June 2026")
        == "Transfer €3.00 by 1 June 2026 to the school's account, "
        "with the structured communication below."
    )


def test_the_embedded_font_draws_every_character_of_every_text() -> None:
    for locale in LOCALES:
        for key, value in TEXTS[locale].items():
            assert printable(value) == value, (locale, key)
