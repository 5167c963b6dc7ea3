"""Which fields of the schema are plain, and how each is read (graphql_runtime/execution/plain_fields.py).

A plain field is an attribute of a Strawberry type (its "basic" field: no resolver, no
extension, no argument) holding a scalar, an enum or an object, or a resolver marked
`returns_known` (graphql_runtime/execution/known.py). Plans are made once per type and schema.
"""

from collections.abc import Callable
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)

from graphql_runtime.compat import (
    attribute_reader,
    definition_of,
    field_extensions,
    is_basic_field,
    is_default_resolver,
    resolver_function,
)
from graphql_runtime.execution.known import KNOWN_ATTRIBUTE
from graphql_runtime.execution.plain_selections import unchanged_type


class PlainField(NamedTuple):
    read: Callable[[Any, str], Any]
    attribute: str
    serialise: Callable[[Any], Any]
    non_null: bool
    unchanged: type | None


class PlainObjectField(NamedTuple):
    """A plain attribute holding an object: read directly, completed as graphql-core does."""

    read: Callable[[Any, str], Any]
    attribute: str
    field: GraphQLField
    non_null: bool


Plan = PlainField | PlainObjectField
# Filled in as types are met, one per built schema (execution/caches.py).
PlansByType = dict[GraphQLObjectType, dict[str, Plan]]


def known_field(field: GraphQLField, definition: Any) -> PlainObjectField | None:
    """A resolver marked `returns_known(attribute)` (graphql_runtime/execution/known.py), of a non-null object
    field without arguments nor extensions: read as that attribute, its resolver called (on
    graphql-core's path) only when the attribute is None."""
    attribute = getattr(resolver_function(definition), KNOWN_ATTRIBUTE, None)
    if (
        attribute is None
        or field.args
        or field_extensions(definition)
        or not isinstance(field.type, GraphQLNonNull)
        or not isinstance(field.type.of_type, GraphQLObjectType)
    ):
        return None
    return PlainObjectField(getattr, attribute, field, True)


def plain_field(field: GraphQLField) -> Plan | None:
    """How to read a field directly, or None when it needs graphql-core's path."""
    definition = definition_of(field)
    if definition is None:
        return None
    if not is_basic_field(definition):
        return known_field(field, definition)
    if not is_default_resolver(field.resolve) or field.args:
        return None
    nullable = get_nullable_type(field.type)
    non_null = is_non_null_type(field.type)
    read, attribute = attribute_reader(definition)
    if isinstance(nullable, GraphQLObjectType):
        return PlainObjectField(read, attribute, field, non_null)
    if not is_leaf_type(nullable):
        return None
    return PlainField(
        read,
        attribute,
        nullable.coerce_output_value,
        non_null,
        unchanged_type(nullable),
    )


def plain_fields(parent_type: GraphQLObjectType) -> dict[str, Plan]:
    """The plain fields of a type (leaves and objects), by name."""
    found: dict[str, Plan] = {}
    for name, field in parent_type.fields.items():
        plan = plain_field(field)
        if plan is not None:
            found[name] = plan
    return found
