"""The catalogues inside Jinja2 templates: `{{ _("mail.greeting", name=display_name) }}`.

Jinja2's i18n extension in its newstyle form: `_()` takes the key and the placeholders'
values as keyword arguments and formats `%(name)s` itself. The language is the `locale`
variable of the template's context, so one environment serves every language.

In an autoescaped (HTML) template the catalogue's text is escaped like any other text and
the values are escaped as they are inserted; a value marked safe (e.g. by a filter that
wraps it in <strong>) is inserted as it is.
"""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import escape

from i18n.catalogue import text


@pass_context
def _gettext(context: Context, key: str) -> str:
    found = text(key, context["locale"])
    return escape(found) if context.eval_ctx.autoescape else found


def _ngettext(singular: str, plural: str, count: int) -> str:
    raise NotImplementedError("plural forms are not in the catalogues yet: use one key per form")


def install_catalogues(environment: Environment) -> None:
    """Add the i18n extension to `environment`, reading the catalogues in `locale`."""
    environment.add_extension("jinja2.ext.i18n")
    install: Any = environment.install_gettext_callables  # type: ignore[attr-defined]
    install(_gettext, _ngettext, newstyle=True)


def page_environment(directory: Path) -> Environment:
    """Templates of HTML pages in `directory`, escaped, speaking the catalogues."""
    environment = Environment(
        loader=FileSystemLoader(directory),
        autoescape=True,
        # A value the page forgot is a bug to see in tests, not an empty spot on the page.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_catalogues(environment)
    return environment
