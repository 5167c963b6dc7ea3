"""Every text a person reads, from one gettext catalogue per language.

The catalogues are `i18n/locales/<locale>/LC_MESSAGES/messages.po`, read with Babel when a
process first needs a language (no compiled `.mo` file: nothing is generated or committed).

Message ids are stable keys, not source sentences: `error.SLOT_TAKEN`,
`mail.invitation.subject`, `sandbox.pay`. Because:
- French is the default language and English is not the source of the others: with keys,
  every language (French included) is a translation like the others, and the completeness
  test asks the same of each one (no "empty means use the id" rule for one language).
- Rewording a sentence (a typo in French, a clearer English) changes one `msgstr`; with
  source sentences it would change the id and orphan the other two translations.
- Error codes are already the API's stable contract; their key is `error.<CODE>`.
- A key says where its text is read, which a translator cannot guess from a short sentence.

Placeholders are Python's `%(name)s`, in every language: Jinja2's i18n extension (newstyle
gettext, used by the mail templates) formats that way, and gettext tools know it
(`python-format`). Every text is formatted, with or without parameters: write `%%` for a
percent sign. Texts are plain text, never HTML (templates escape them).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from i18n.locales import DEFAULT_LOCALE, normalise_locale

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"


class MissingText(LookupError):
    """A key no catalogue holds, not even the default language's: a bug, never shown."""


def catalogue_path(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> dict[str, str]:
    """The translated texts of one `.po` file, by key.

    Like gettext's own compiler, an empty or fuzzy (unreviewed) translation counts as missing.
    """
    with path.open("rb") as file:
        catalogue = read_po(file, ignore_obsolete=True)
    return {
        str(entry.id): str(entry.string)
        for entry in catalogue
        if entry.id and isinstance(entry.id, str) and entry.string and not entry.fuzzy
    }


class Catalogues:
    """The catalogues of one directory, each read once, on first use."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self.directory = directory
        self._texts: dict[str, dict[str, str]] = {}

    def texts(self, locale: str) -> Mapping[str, str]:
        texts = self._texts.get(locale)
        if texts is None:
            path = catalogue_path(self.directory, locale)
            texts = self._texts[locale] = read_catalogue(path) if path.exists() else {}
        return texts

    def text(self, key: str, locale: str | None) -> str:
        """The unformatted text; a key missing in `locale` falls back to French."""
        chosen = normalise_locale(locale)
        found = self.texts(chosen).get(key)
        if found is None and chosen != DEFAULT_LOCALE:
            found = self.texts(DEFAULT_LOCALE).get(key)
        if found is None:
            raise MissingText(key)
        return found

    def translate(self, key: str, locale: str | None, /, **params: Any) -> str:
        return self.text(key, locale) % params


CATALOGUES = Catalogues()


def text(key: str, locale: str | None) -> str:
    """The catalogue's text for `key`, placeholders left as they are."""
    return CATALOGUES.text(key, locale)


def translate(key: str, locale: str | None, /, **params: Any) -> str:
    """The text for `key` in `locale` (fr, nl, en; French for anything else), formatted.

    translate("error.RATE_LIMITED", "nl", retry_after=30)
    -> "Te veel pogingen. Probeer het over 30 seconden opnieuw."
    """
    return CATALOGUES.translate(key, locale, **params)
