"""Amounts, dates, times and lists written the way each reader writes them (Babel, CLDR).

    format_money(1250, "fr") -> "12,50 €"     format_date(date(2026, 12, 18), "fr") -> "18 décembre 2026"
    format_money(1250, "nl") -> "€ 12,50"     format_date(date(2026, 12, 18), "nl") -> "18 december 2026"
    format_money(1250, "en") -> "€12.50"      format_date(date(2026, 12, 18), "en") -> "18 December 2026"

Spaces: the space inside an amount (`12,50 €`, `€ 12,50`, `1 234,50 €`) is always one
no-break space, U+00A0 (NBSP below), so an amount never breaks across two lines of a mail,
a page or a PDF. CLDR writes French thousands with a narrow no-break space (U+202F): it is
turned into U+00A0 too, because fpdf2's built-in fonts (Latin-1) cannot print U+202F and
readers cannot tell the two apart. Every formatter here applies that same rule; the
catalogues' own texts use ordinary spaces.

Datetimes must be aware; they are shown in the school's time zone (Brussels by default).
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates, lists, numbers

from i18n.catalogue import translate
from i18n.locales import babel_locale

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
DEFAULT_TIME_ZONE = "Europe/Brussels"


def no_break(text: str) -> str:
    """One kind of no-break space in formatted values: U+00A0 (see the module's header)."""
    return text.replace(NARROW_NBSP, NBSP)


def local(moment: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("only aware datetimes can be shown in a time zone")
    return moment.astimezone(ZoneInfo(time_zone))


def format_money(cents: int, locale: str | None, currency: str = "EUR") -> str:
    """Integer cents as an amount: 12,50 € (fr), € 12,50 (nl), €12.50 (en)."""
    amount = Decimal(cents) / 100
    return no_break(numbers.format_currency(amount, currency, locale=babel_locale(locale)))


def format_number(value: float | Decimal, locale: str | None) -> str:
    """2,5 (fr, nl), 2.5 (en); 1 234 / 1.234 / 1,234 for thousands."""
    return no_break(numbers.format_decimal(value, locale=babel_locale(locale)))


def format_date(
    day: date | datetime,
    locale: str | None,
    format: str = "long",
    time_zone: str = DEFAULT_TIME_ZONE,
) -> str:
    """18 décembre 2026 (fr), 18 december 2026 (nl), 18 December 2026 (en).

    `format="full"` adds the weekday (vendredi 18 décembre 2026). A datetime gives the day
    it is in `time_zone`.
    """
    if isinstance(day, datetime):
        day = local(day, time_zone).date()
    return no_break(dates.format_date(day, format, locale=babel_locale(locale)))


def format_time(moment: datetime, locale: str | None, time_zone: str = DEFAULT_TIME_ZONE) -> str:
    """Hours and minutes in `time_zone`, on the 24-hour clock: 09:00."""
    return no_break(
        dates.format_time(local(moment, time_zone), "short", locale=babel_locale(locale))
    )


def format_datetime(
    moment: datetime, locale: str | None, time_zone: str = DEFAULT_TIME_ZONE
) -> str:
    """18 décembre 2026 à 09:00 (fr), 18 december 2026 om 09:00 (nl), 18 December 2026 at 09:00 (en)."""
    return translate(
        "format.datetime",
        locale,
        date=format_date(moment, locale, time_zone=time_zone),
        time=format_time(moment, locale, time_zone),
    )


def format_list(items: Iterable[str], locale: str | None) -> str:
    """Emma, Lucas et Léa (fr), Emma, Lucas en Léa (nl), Emma, Lucas and Léa (en)."""
    return no_break(lists.format_list(list(items), locale=babel_locale(locale)))
