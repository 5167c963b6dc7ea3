"""The languages Cartable speaks, and the one an anonymous request prefers."""

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"


def preferred_locale(accept_language: str | None) -> str:
    """The first supported language of an `Accept-Language` header (quality values are not
    weighed: browsers list languages in order of preference), else French."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE
