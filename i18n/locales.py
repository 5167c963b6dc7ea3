"""Which languages Cartable speaks, and how a request or a user's setting picks one.

A locale is a bare language code from LOCALES. Babel formats them the way Belgian readers
expect (24-hour clock, day before month): French and Dutch as written in Belgium, English as
in the United Kingdom.
"""

LOCALES = ("fr", "nl", "en")
DEFAULT_LOCALE = "fr"
BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
# An Accept-Language header longer than this many entries is read only this far.
MAX_ACCEPT_LANGUAGE_ENTRIES = 20


def language_of(tag: str | None) -> str:
    """The primary language subtag: fr-BE, nl_BE and EN give fr, nl and en."""
    return (tag or "").replace("_", "-").split("-", 1)[0].strip().lower()


def normalise_locale(locale: str | None) -> str:
    """One of LOCALES: the tag's language when Cartable speaks it, French otherwise."""
    language = language_of(locale)
    return language if language in LOCALES else DEFAULT_LOCALE


def babel_locale(locale: str | None) -> str:
    return BABEL_LOCALES[normalise_locale(locale)]


def preferred_locale(accept_language: str | None) -> str:
    """The reader's best-liked language among LOCALES, from an Accept-Language header.

    Weights are honoured (`en;q=0.5, nl;q=0.9` gives nl), `q=0` refuses a language, and
    equal weights keep the header's order; nothing usable gives French.
    """
    wanted: list[tuple[float, int, str]] = []
    entries = (accept_language or "").split(",")[:MAX_ACCEPT_LANGUAGE_ENTRIES]
    for position, entry in enumerate(entries):
        tag, *parameters = (part.strip() for part in entry.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = language_of(tag)
        if weight > 0 and language in LOCALES:
            wanted.append((-weight, position, language))
    return min(wanted)[2] if wanted else DEFAULT_LOCALE
