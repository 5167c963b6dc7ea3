"""Mail templates: one folder per mail holding, per locale, a subject, a text and an HTML body.

`templates/<name>/subject.<locale>.txt`, `body.<locale>.txt` and `body.<locale>.html`; HTML
bodies extend `templates/layout.<locale>.html`. A new mail is a new folder, a new language a
new set of files: nothing here changes.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from mailer.message import RenderedMail

TEMPLATES_DIR = Path(__file__).parent / "templates"
DEFAULT_LOCALE = "fr"
DEFAULT_TIME_ZONE = "Europe/Brussels"
# The regional forms a Belgian school's parents expect (24-hour clock, day before month).
BABEL_LOCALES = {"fr": "fr_BE", "en": "en_GB", "nl": "nl_BE"}
PARTS = ("subject.{}.txt", "body.{}.txt", "body.{}.html")

_TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PART_NAME = re.compile(r"^([a-z][a-z0-9_]*)/subject\.([a-z]{2,3})\.txt$")


class UnknownTemplate(LookupError):
    pass


def normalise_locale(locale: str | None) -> str:
    """The primary language subtag: fr-BE, en_GB and EN give fr, en and en."""
    return (locale or "").replace("_", "-").split("-", 1)[0].strip().lower()


def _local(ctx: Context, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("mail templates need aware datetimes")
    return value.astimezone(ZoneInfo(ctx["time_zone"]))


@pass_context
def _date_filter(ctx: Context, value: datetime | date) -> str:
    day = _local(ctx, value).date() if isinstance(value, datetime) else value
    return str(format_date(day, "full", locale=BABEL_LOCALES.get(ctx["locale"], ctx["locale"])))


@pass_context
def _time_filter(ctx: Context, value: datetime) -> str:
    moment = _local(ctx, value)
    return str(format_time(moment, "short", locale=BABEL_LOCALES.get(ctx["locale"], ctx["locale"])))


@pass_context
def _money_filter(ctx: Context, cents: int) -> str:
    """Integer cents as the reader writes amounts: 4,20 € in French, €4.20 in English."""
    locale = BABEL_LOCALES.get(ctx["locale"], ctx["locale"])
    return str(format_currency(Decimal(cents) / 100, "EUR", locale=locale))


class MailRenderer:
    def __init__(self, *, public_url: str, templates_dir: Path = TEMPLATES_DIR) -> None:
        self.public_url = public_url.rstrip("/")
        self._env = Environment(
            loader=FileSystemLoader(templates_dir),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            # A missing context key is the caller's bug: fail at enqueue, not in the parent's inbox.
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["date"] = _date_filter
        self._env.filters["time"] = _time_filter
        self._env.filters["money"] = _money_filter
        self._env.globals["url"] = self.url
        self._locales: dict[str, set[str]] = {}
        for part in self._env.list_templates():
            if match := _PART_NAME.match(part):
                self._locales.setdefault(match[1], set()).add(match[2])

    def url(self, path: str, **params: Any) -> str:
        """An absolute link into the parent portal, e.g. url("/activate", token=...)."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.public_url}/{path.lstrip('/')}{query}"

    def templates(self) -> list[str]:
        return sorted(self._locales)

    def locales(self, template: str) -> list[str]:
        return sorted(self._locales.get(template, ()))

    def resolve_locale(self, template: str, locale: str | None) -> str:
        available = self._locales.get(template, set())
        if not _TEMPLATE_NAME.match(template) or DEFAULT_LOCALE not in available:
            raise UnknownTemplate(template)
        wanted = normalise_locale(locale)
        return wanted if wanted in available else DEFAULT_LOCALE

    def render(self, template: str, locale: str | None, context: Mapping[str, Any]) -> RenderedMail:
        chosen = self.resolve_locale(template, locale)
        values = {"time_zone": DEFAULT_TIME_ZONE, **context, "locale": chosen}
        subject, text, html = (
            self._env.get_template(f"{template}/{part.format(chosen)}").render(values)
            for part in PARTS
        )
        # One line whatever the context holds: a header never carries CR/LF from user data.
        return RenderedMail(subject=" ".join(subject.split()), text=text, html=html, locale=chosen)
