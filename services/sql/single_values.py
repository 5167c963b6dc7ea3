"""Expanding IN parameters given a single value, run as an equality.

SQLAlchemy renders an expanding parameter (`child.in_(bindparam("child_ids", expanding=True))`)
anew at every execution: about a third of the cost of running a small statement, measured on
the dashboard, whose lists are usually read for one child and one meeting. With one value the
statement is run as `child = :child_ids` instead: the same rows, its text compiled once.
"""

import functools
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from sqlalchemy import Executable, bindparam
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.visitors import ExternallyTraversible

E = TypeVar("E", bound=Executable)


def single_values(statement: E, params: Mapping[str, Any]) -> tuple[E, Mapping[str, Any]]:
    """The statement and parameters to run: each expanding parameter given a one-value list
    becomes an equality with that value. Variants are cached by statement: for statements
    built once (functools.cache), as every caller's are."""
    for key, value in params.items():
        if type(value) is list and len(value) == 1:
            variant = _equality_variant(statement, key)
            if variant is not None:
                statement, params = variant, {**params, key: value[0]}
    return statement, params


@functools.lru_cache(maxsize=256)
def _equality_variant(statement: E, key: str) -> E | None:
    """The statement with `x IN (:key)` as `x = :key`; None when it has no such condition."""
    replaced = False

    def replace(element: Any, **_: Any) -> Any:
        nonlocal replaced
        right = getattr(element, "right", None)
        if (
            isinstance(element, BinaryExpression)
            and element.operator is operators.in_op
            and isinstance(right, BindParameter)
            and right.expanding
            and right.key == key
        ):
            replaced = True
            return element.left == bindparam(key, type_=right.type)
        return None

    variant = visitors.replacement_traverse(cast(ExternallyTraversible, statement), {}, replace)
    return cast(E, variant) if replaced else None
