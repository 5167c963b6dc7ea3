"""Selections made only of plain fields, completed in one pass per object.

A list of objects whose selection asks only plain fields (attributes holding scalars, enums,
or objects asked for plain fields in turn: a meeting's slots with their teacher, a wallet's
balance) costs graphql-core several calls per item and per field (paths, completion
dispatch, type checks). Such a selection is planned once per operation and each object read
into its dict directly. These reads have no side effects, so when anything is unusual (null
in a non-null field, an exception, an awaitable, a value the scalar refuses, an object of
another type) the caller drops what was read and completes the value on graphql-core's path,
which gives the same value or error as ever.
"""

import datetime
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from graphql import GraphQLBoolean, GraphQLID, GraphQLString, Undefined

from graphql_runtime.compat import TYPE_CAST_ATTRIBUTE, is_strawberry_is_type_of

# Values of these exact types are neither awaitables nor exceptions: no need to ask.
SIMPLE_TYPES = frozenset({str, int, float, bool, datetime.datetime, datetime.date, datetime.time})


def unchanged_type(leaf: Any) -> type | None:
    """The exact Python type whose values this leaf type serialises to themselves (str for
    String and ID, bool for Boolean): such a value needs no call to its serialiser."""
    if leaf is GraphQLString or leaf is GraphQLID:
        return str
    if leaf is GraphQLBoolean:
        return bool
    return None


class Unusual(Exception):
    """A value graphql-core's own path must complete."""


class PlainEntry(NamedTuple):
    response_name: str
    read: Callable[[Any, str], Any]
    attribute: str
    non_null: bool
    # A leaf's serialiser (and the type it leaves unchanged), or the selection of an
    # object's fields.
    serialise: Callable[[Any], Any] | None
    unchanged: type | None
    selection: "PlainSelection | None"


class PlainSelection(NamedTuple):
    is_type_of: Callable[[Any, Any], Any] | None
    # The class Strawberry made the type from (None if it could be awaitable or an exception):
    # an instance of exactly it, not cast to another type, is of the type (what Strawberry's
    # is_type_of answers) and neither an awaitable nor an exception, without asking.
    origin: type | None
    entries: tuple[PlainEntry, ...]
    # The same reading written as Python for this selection (graphql_runtime/execution/plain_readers.py).
    reader: Callable[[Any, Any, Callable[[Any], bool]], dict[str, Any]] | None = None


def plain_origin(definition: Any) -> type | None:
    """The class of a Strawberry type's definition, unless its instances could be awaitables
    or exceptions (then each value is asked)."""
    origin = getattr(definition, "origin", None)
    if not isinstance(origin, type) or issubclass(origin, BaseException):
        return None
    return None if hasattr(origin, "__await__") else origin


def strawberry_is_type_of(check: Any) -> bool:
    """Whether a type's is_type_of is none or the one Strawberry makes (a plain isinstance
    that ignores its info): only then may a nested object be checked with its list's info."""
    return is_strawberry_is_type_of(check)


def read_object(
    selection: PlainSelection, value: Any, info: Any, is_awaitable: Callable[[Any], bool]
) -> dict[str, Any]:
    """The completed dict of one object, or Unusual."""
    reader = selection.reader
    if reader is not None:
        return reader(value, info, is_awaitable)
    if type(value) is not selection.origin or getattr(value, TYPE_CAST_ATTRIBUTE, None):
        # Not simply an instance of the type's own class: ask as graphql-core would.
        if isinstance(value, Exception) or is_awaitable(value):
            raise Unusual
        is_type_of = selection.is_type_of
        if is_type_of is not None and is_type_of(value, info) is not True:
            raise Unusual
    result: dict[str, Any] = {}
    for name, read, attribute, non_null, serialise, unchanged, nested in selection.entries:
        found = read(value, attribute)
        if type(found) is unchanged:
            result[name] = found
        elif found is None or found is Undefined:
            if non_null:
                raise Unusual
            result[name] = None
        elif nested is not None:
            result[name] = read_object(nested, found, info, is_awaitable)
        else:
            if type(found) not in SIMPLE_TYPES and (
                isinstance(found, Exception) or is_awaitable(found)
            ):
                raise Unusual
            serialised = serialise(found)  # type: ignore[misc]
            if serialised is None or serialised is Undefined:
                raise Unusual
            result[name] = serialised
    return result


def read_objects(
    selection: PlainSelection,
    items: list[Any] | tuple[Any, ...],
    items_non_null: bool,
    info: Any,
    is_awaitable: Callable[[Any], bool],
) -> list[Any]:
    """The completed list, or Unusual."""
    completed: list[Any] = []
    append = completed.append
    for item in items:
        if item is None or item is Undefined:
            if items_non_null:
                raise Unusual
            append(None)
        else:
            append(read_object(selection, item, info, is_awaitable))
    return completed


def read_leaves(
    serialise: Callable[[Any], Any],
    items: list[Any] | tuple[Any, ...],
    items_non_null: bool,
    is_awaitable: Callable[[Any], bool],
) -> list[Any]:
    """A completed list of scalars or enums, or Unusual."""
    completed: list[Any] = []
    append = completed.append
    for item in items:
        if item is None or item is Undefined:
            if items_non_null:
                raise Unusual
            append(None)
            continue
        if type(item) not in SIMPLE_TYPES and (isinstance(item, Exception) or is_awaitable(item)):
            raise Unusual
        serialised = serialise(item)
        if serialised is None or serialised is Undefined:
            raise Unusual
        append(serialised)
    return completed


class SharedSelections:
    """Plans shared by the operations of one document: the parser cache hands every
    operation with the same text the same nodes, so a plan keyed on the nodes of a field group
    (kept alive with it, so that their ids are not reused) serves them all. Only for documents
    without directives, whose fields asked do not depend on the variables. Bounded: the least
    recently used plans go first. One per built schema (execution/caches.py)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.plans: OrderedDict[tuple[Any, ...], tuple[Any, PlainSelection | None]] = OrderedDict()
        self.without_directives: dict[int, tuple[Any, bool]] = {}

    def plain_document(self, operation: Any, fragments: Mapping[str, Any]) -> bool:
        """Whether the operation and its fragments carry no directive at all."""
        found = self.without_directives.get(id(operation))
        if found is not None and found[0] is operation:
            return found[1]
        free = _without_directives(operation) and all(
            _without_directives(details.definition) for details in fragments.values()
        )
        if len(self.without_directives) >= self.size:
            self.without_directives.clear()
        self.without_directives[id(operation)] = (operation, free)
        return free

    def get(self, key: tuple[Any, ...]) -> tuple[Any, PlainSelection | None] | None:
        found = self.plans.get(key)
        if found is not None:
            self.plans.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], nodes: Any, selection: PlainSelection | None) -> None:
        self.plans[key] = (nodes, selection)
        if len(self.plans) > self.size:
            self.plans.popitem(last=False)


def _without_directives(node: Any) -> bool:
    if getattr(node, "directives", None):
        return False
    selection_set = getattr(node, "selection_set", None)
    return selection_set is None or all(
        _without_directives(selection) for selection in selection_set.selections
    )
