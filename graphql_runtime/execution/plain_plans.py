"""Which fields of the schema are plain, and how each is read (graphql_runtime/execution/plain_fields.py).

A plain field is an attribute of a Strawberry type (its "basic" field: no resolver, no
extension, no argument) holding a scalar, an enum or an object, or a resolver marked
`returns_known` (graphql_runtime/execution/known.py). Plans are made once per type and schema.
"""

from collections.abc import Callable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)

from graphql_runtime.execution.known import KNOWN_ATTRIBUTE
from graphql_runtime.execution.plain_selections import unchanged_type

# Strawberry keeps each GraphQL field's and type's definition under this extension key.
STRAWBERRY_FIELD = STRAWBERRY_TYPE = "strawberry-definition"


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
PlansByType = dict[GraphQLObjectType, dict[str, Plan]]

_plans: "WeakKeyDictionary[GraphQLSchema, PlansByType]" = WeakKeyDictionary()


def known_field(field: GraphQLField, definition: Any) -> PlainObjectField | None:
    """A resolver marked `returns_known(attribute)` (graphql_runtime/execution/known.py), of a non-null object
    field without arguments nor extensions: read as that attribute, its resolver called (on
    graphql-core's path) only when the attribute is None."""
    resolver = getattr(definition, "base_resolver", None)
    attribute = getattr(getattr(resolver, "wrapped_func", None), KNOWN_ATTRIBUTE, None)
    if (
        attribute is None
        or field.args
        or getattr(definition, "extensions", None)
        or not isinstance(field.type, GraphQLNonNull)
        or not isinstance(field.type.of_type, GraphQLObjectType)
    ):
        return None
    return PlainObjectField(getattr, attribute, field, True)


def plain_field(field: GraphQLField) -> Plan | None:
    """How to read a field directly, or None when it needs graphql-core's path."""
    definition = field.extensions.get(STRAWBERRY_FIELD)
    if definition is None:
        return None
    if not getattr(definition, "is_basic_field", False):
        return known_field(field, definition)
    if not getattr(field.resolve, "_is_default", False) or field.args:
        return None
    nullable = get_nullable_type(field.type)
    non_null = is_non_null_type(field.type)
    if isinstance(nullable, GraphQLObjectType):
        return PlainObjectField(
            definition.default_resolver, definition.python_name, field, non_null
        )
    if not is_leaf_type(nullable):
        return None
    return PlainField(
        definition.default_resolver,
        definition.python_name,
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


def schema_plans(schema: GraphQLSchema) -> PlansByType:
    """The schema's plans, filled in as types are met (one dict per schema, shared)."""
    found = _plans.get(schema)
    if found is None:
        found = _plans[schema] = {}
    return found
