"""A Babel extraction method for the keys that code builds at run time: `error.<CODE>`.

Error messages are looked up as `error.` + the code of a `DomainError`, so no literal key
appears in the code for `pybabel extract` to find. This method reads the module that
declares the codes (named in `i18n/babel.cfg`) and gives one key per member of its
`ErrorCode` enum: a new code appears, empty, in every catalogue at the next `make messages`.
It parses the file's text and imports nothing.
"""

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

ERROR_PREFIX = "error."


def error_codes(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    enum_name = options.get("enum", "ErrorCode")
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ClassDef) and node.name == enum_name):
            continue
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                yield statement.lineno, None, ERROR_PREFIX + statement.value.value, []
