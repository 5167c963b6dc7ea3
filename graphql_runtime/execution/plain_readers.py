"""A plain selection's reader, written as Python for that selection.

`read_object` walks a selection's entries: per field, a tuple to unpack and a call to read
the attribute. A function written for the selection (`value.starts_at`, constants bound by
name) reads the same fields in the same order, with the same checks, in a fraction of the
interpreter's work: the dashboard reads a meeting's dozens of slots this way on every load.

Writing one costs about 200 µs, so readers are kept in a bounded cache keyed on the selection
itself (its fields, their types and nested selections), whichever operation or document asks
for it: a document whose plans are made anew for each operation (one with directives) finds the
reader of the same selection already written.
"""

import functools
import keyword
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from graphql import Undefined

from graphql_runtime.compat import TYPE_CAST_ATTRIBUTE
from graphql_runtime.execution.plain_selections import (
    SIMPLE_TYPES,
    PlainSelection,
    Unusual,
    read_object,
)
from graphql_runtime.probes import Probes

Reader = Callable[[Any, Any, Callable[[Any], bool]], dict[str, Any]]


class Readers:
    """The readers written for one built schema, by selection; past `size`, the least recently
    used go first."""

    def __init__(self, size: int, probes: Probes) -> None:
        self.size = size
        self.probes = probes
        self._readers: OrderedDict[PlainSelection, Reader | None] = OrderedDict()

    def reader_for(self, selection: PlainSelection) -> Reader | None:
        """The selection's reader (written on first use), or None when it has none."""
        readers = self._readers
        try:
            found = readers[selection]
        except KeyError:
            found = readers[selection] = compile_reader(selection)
            if found is not None:
                self.probes.readers_compiled += 1
            if len(readers) > self.size:
                readers.popitem(last=False)
            return found
        readers.move_to_end(selection)
        return found


def compile_reader(selection: PlainSelection) -> Reader | None:
    """The selection's reader; None when a field is not read as a plain attribute of a
    name Python can write (read_object then reads it)."""
    entries = selection.entries
    if not entries or any(
        entry.read is not getattr
        or not entry.attribute.isidentifier()
        or keyword.iskeyword(entry.attribute)
        for entry in entries
    ):
        return None
    names: dict[str, Any] = {
        "ORIGIN": selection.origin,
        "IS_TYPE_OF": selection.is_type_of,
        "CAST": TYPE_CAST_ATTRIBUTE,
        "Undefined": Undefined,
        "Unusual": Unusual,
        "asked": _asked,
        "leaf": _leaf,
    }
    lines = [
        "def read(value, info, is_awaitable):",
        "    if type(value) is not ORIGIN or getattr(value, CAST, None):",
        "        asked(value, info, is_awaitable, IS_TYPE_OF)",
    ]
    for index, entry in enumerate(entries):
        found = f"f{index}"
        lines.append(f"    {found} = value.{entry.attribute}")
        if entry.selection is None:
            names[f"U{index}"], names[f"S{index}"] = entry.unchanged, entry.serialise
            lines += [
                f"    if type({found}) is not U{index}:",
                f"        {found} = leaf({found}, {entry.non_null}, S{index}, is_awaitable)",
            ]
        else:
            nested = entry.selection
            names[f"R{index}"] = nested.reader or functools.partial(read_object, nested)
            lines += [
                f"    if {found} is None or {found} is Undefined:",
                "        raise Unusual" if entry.non_null else f"        {found} = None",
                "    else:",
                f"        {found} = R{index}({found}, info, is_awaitable)",
            ]
    fields = ", ".join(f"{entry.response_name!r}: f{i}" for i, entry in enumerate(entries))
    lines.append(f"    return {{{fields}}}")
    exec("\n".join(lines), names)  # the text is made here, from the names checked above
    reader: Reader = names["read"]
    return reader


def _asked(value: Any, info: Any, is_awaitable: Callable[[Any], bool], is_type_of: Any) -> None:
    """What graphql-core asks of a value that is not simply an instance of the type's class."""
    if isinstance(value, Exception) or is_awaitable(value):
        raise Unusual
    if is_type_of is not None and is_type_of(value, info) is not True:
        raise Unusual


def _leaf(
    found: Any, non_null: bool, serialise: Callable[[Any], Any], is_awaitable: Callable[[Any], bool]
) -> Any:
    if found is None or found is Undefined:
        if non_null:
            raise Unusual
        return None
    if type(found) not in SIMPLE_TYPES and (isinstance(found, Exception) or is_awaitable(found)):
        raise Unusual
    serialised = serialise(found)
    if serialised is None or serialised is Undefined:
        raise Unusual
    return serialised
