"""Mail templates: one folder per mail holding a subject, a text body and an HTML body.

`templates/<name>/subject.txt`, `body.txt` and `body.html`; HTML bodies extend
`templates/layout.html`. Their words come from the catalogues (i18n/), through Jinja2's i18n
extension: `{{ _("mail.<name>.<part>", placeholder=value) }}`, rendered in the recipient's
locale. A new mail is a new folder plus its keys in the catalogues; a new language is a new
catalogue: nothing here changes.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from i18n.formats import DEFAULT_TIME_ZONE, format_date, format_list, format_money, format_time
from i18n.jinja import install_catalogues

# BABEL_LOCALES: services.meetings.schedule still reads it from here.
from i18n.locales import BABEL_LOCALES as BABEL_LOCALES
from i18n.locales import LOCALES, normalise_locale
from mailer.message import RenderedMail

TEMPLATES_DIR = Path(__file__).parent / "templates"
PARTS = ("subject.txt", "body.txt", "body.html")

_TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SUBJECT = re.compile(r"^([a-z][a-z0-9_]*)/subject\.txt$")


class UnknownTemplate(LookupError):
    pass


@pass_context
def _date_filter(ctx: Context, value: datetime | date) -> str:
    """The day with its weekday: lundi 16 novembre 2026, maandag 16 november 2026..."""
    return format_date(value, ctx["locale"], "full", ctx["time_zone"])


@pass_context
def _time_filter(ctx: Context, value: datetime) -> str:
    return format_time(value, ctx["locale"], ctx["time_zone"])


@pass_context
def _money_filter(ctx: Context, cents: int) -> str:
    """Integer cents as the reader writes amounts: 4,20 € (fr), € 4,20 (nl), €4.20 (en)."""
    return format_money(cents, ctx["locale"])


@pass_context
def _names_filter(ctx: Context, names: Iterable[str]) -> str:
    """Emma et Lucas, Emma en Lucas, Emma and Lucas."""
    return format_list(names, ctx["locale"])


def _strong_filter(value: object) -> Markup:
    """A value set in bold inside a sentence of an HTML body (escaped first)."""
    return Markup("<strong>%s</strong>") % value


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
        install_catalogues(self._env)
        self._env.filters["date"] = _date_filter
        self._env.filters["time"] = _time_filter
        self._env.filters["money"] = _money_filter
        self._env.filters["names"] = _names_filter
        self._env.filters["strong"] = _strong_filter
        self._env.globals["url"] = self.url
        self._templates = {
            match[1] for part in self._env.list_templates() if (match := _SUBJECT.match(part))
        }

    def url(self, path: str, **params: Any) -> str:
        """An absolute link into the parent portal, e.g. url("/activate", token=...)."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.public_url}/{path.lstrip('/')}{query}"

    def templates(self) -> list[str]:
        return sorted(self._templates)

    def locales(self, template: str) -> list[str]:
        """Every language of the catalogues (tests/i18n checks that each one is complete)."""
        return sorted(LOCALES) if template in self._templates else []

    def resolve_locale(self, template: str, locale: str | None) -> str:
        if not _TEMPLATE_NAME.match(template) or template not in self._templates:
            raise UnknownTemplate(template)
        return normalise_locale(locale)

    def render(self, template: str, locale: str | None, context: Mapping[str, Any]) -> RenderedMail:
        chosen = self.resolve_locale(template, locale)
        values = {"time_zone": DEFAULT_TIME_ZONE, **context, "locale": chosen}
        subject, text, html = (
            self._env.get_template(f"{template}/{part}").render(values) for part in PARTS
        )
        # One line whatever the context holds: a header never carries CR/LF from user data.
        return RenderedMail(subject=" ".join(subject.split()), text=text, html=html, locale=chosen)
