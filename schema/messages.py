"""What a parent reads for each error code, in their language. The codes are the contract.

The texts are the catalogues' `error.<CODE>` keys (i18n/locales/<locale>/LC_MESSAGES/messages.po).
"""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from i18n.catalogue import text
from i18n.formats import format_number


def message(code: str, locale: str, params: Mapping[str, Any] | None = None) -> str:
    values = {name: _shown(value, locale) for name, value in (params or {}).items()}
    # A placeholder its error did not fill reads "…" rather than failing the whole answer.
    # A `detail` (services.common.errors.message_key) says more precisely what went wrong.
    key = str(values.pop("detail", "")) or f"error.{code}"
    return text(key, locale) % defaultdict(lambda: "…", values)


def _shown(value: Any, locale: str) -> Any:
    """Numbers as the reader writes them: 2,5 Mo in French, 2.5 MB in English."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_number(value, locale)
    return value
