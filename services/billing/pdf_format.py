"""Amounts, dates and quantities as each language writes them (Babel, Belgian regional forms):
`12,50 €` and `18 décembre 2026` in French, `€ 12,50` and `18 december 2026` in Dutch,
`€12.50` and `18 December 2026` in English."""

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from mailer.render import BABEL_LOCALES
from services.billing.pdf_texts import Locale


def money(cents: int, locale: Locale) -> str:
    return str(format_currency(Decimal(cents).scaleb(-2), "EUR", locale=BABEL_LOCALES[locale]))


def long_date(day: date, locale: Locale) -> str:
    return str(format_date(day, "long", locale=BABEL_LOCALES[locale]))


def quantity(count: int, locale: Locale) -> str:
    return str(format_decimal(count, locale=BABEL_LOCALES[locale]))
