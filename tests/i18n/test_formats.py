"""Amounts, dates and lists as each reader writes them; one kind of no-break space, U+00A0."""

from datetime import UTC, date, datetime

import pytest

from i18n.formats import (
    NBSP,
    format_date,
    format_datetime,
    format_list,
    format_money,
    format_time,
)

DAY = date(2026, 12, 18)
# 08:00 UTC is 09:00 in Brussels in December.
MOMENT = datetime(2026, 12, 18, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "12,50\u00a0€"), ("nl", "€\u00a012,50"), ("en", "€12.50")],
)
def test_money(locale: str, expected: str) -> None:
    assert format_money(1250, locale) == expected
    # Written as the issue spells them, with the no-break space made visible.
    assert format_money(1250, locale).replace(NBSP, " ") in {"12,50 €", "€ 12,50", "€12.50"}


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "1\u00a0234,05\u00a0€"), ("nl", "€\u00a01.234,05"), ("en", "€1,234.05")],
)
def test_thousands_use_the_same_no_break_space(locale: str, expected: str) -> None:
    # CLDR's French thousands separator is U+202F, which fpdf2's core fonts cannot print.
    assert format_money(123405, locale) == expected
    assert "\u202f" not in format_money(123405, locale)


def test_money_in_another_currency_and_below_zero() -> None:
    assert format_money(-420, "fr") == "-4,20\u00a0€"
    assert format_money(100, "en", "USD") == "US$1.00"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "18 décembre 2026"), ("nl", "18 december 2026"), ("en", "18 December 2026")],
)
def test_dates(locale: str, expected: str) -> None:
    assert format_date(DAY, locale) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr", "vendredi 18 décembre 2026"),
        ("nl", "vrijdag 18 december 2026"),
        ("en", "Friday, 18 December 2026"),
    ],
)
def test_full_dates_name_the_weekday(locale: str, expected: str) -> None:
    assert format_date(DAY, locale, "full") == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr", "18 décembre 2026 à 09:00"),
        ("nl", "18 december 2026 om 09:00"),
        ("en", "18 December 2026 at 09:00"),
    ],
)
def test_datetimes_are_shown_in_brussels_time(locale: str, expected: str) -> None:
    assert format_datetime(MOMENT, locale) == expected


def test_the_day_of_a_datetime_is_the_day_in_the_time_zone() -> None:
    late = datetime(2026, 12, 18, 23, 30, tzinfo=UTC)
    assert format_date(late, "fr") == "19 décembre 2026"
    assert format_date(late, "fr", time_zone="UTC") == "18 décembre 2026"
    assert format_time(late, "en", "America/New_York") == "18:30"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_time(datetime(2026, 12, 18, 9, 0), "fr")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("fr", "Emma, Lucas et Léa"), ("nl", "Emma, Lucas en Léa"), ("en", "Emma, Lucas and Léa")],
)
def test_lists(locale: str, expected: str) -> None:
    assert format_list(["Emma", "Lucas", "Léa"], locale) == expected
    assert format_list(["Emma"], locale) == "Emma"


def test_an_unknown_locale_formats_in_french() -> None:
    assert format_money(1250, "de-DE") == format_money(1250, "fr")
    assert format_date(DAY, None) == "18 décembre 2026"
