"""Plain leaf fields read and serialised without graphql-core's per-field machinery.

Most fields of a large answer (the dashboard's ~500) are attributes of a Strawberry type
holding a scalar. graphql-core gives each one a path, a resolve info, a resolver call and
three levels of value completion: about as much CPU as the rest of a dashboard query. A
field that is a plain attribute (Strawberry's "basic" field: no resolver, no extension, no
argument) of a scalar or enum type is read and serialised here directly, when no middleware
wraps resolvers. Anything unusual (an exception, null for a non-null field, a value the
scalar does not serialise, an awaitable) takes graphql-core's own path, which gives the same
value or error as it always did.
"""

import datetime
from collections.abc import Callable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, gather_with_cancel

from resolvers.shared_events import SharedEventExecutor

# Strawberry keeps each GraphQL field's definition under this extension key.
STRAWBERRY_FIELD = "strawberry-definition"


class PlainField(NamedTuple):
    read: Callable[[Any, str], Any]
    attribute: str
    serialise: Callable[[Any], Any]
    non_null: bool


PlansByType = dict[GraphQLObjectType, dict[str, PlainField]]

_SLOW = object()
# Values of these exact types are neither awaitables nor exceptions: no need to ask.
_SIMPLE = frozenset({str, int, float, bool, datetime.datetime, datetime.date, datetime.time})
_plans: "WeakKeyDictionary[GraphQLSchema, PlansByType]" = WeakKeyDictionary()


def plain_field(field: GraphQLField) -> PlainField | None:
    """How to read a field directly, or None when it needs graphql-core's path."""
    definition = field.extensions.get(STRAWBERRY_FIELD)
    if (
        definition is None
        or not getattr(definition, "is_basic_field", False)
        or not getattr(field.resolve, "_is_default", False)
        or field.args
    ):
        return None
    leaf = get_nullable_type(field.type)
    if not is_leaf_type(leaf):
        return None
    return PlainField(
        definition.default_resolver,
        definition.python_name,
        leaf.coerce_output_value,
        is_non_null_type(field.type),
    )


def plain_fields(parent_type: GraphQLObjectType) -> dict[str, PlainField]:
    """The plain leaf fields of a type, by name."""
    found = {}
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


class PlainFieldsExecutor(SharedEventExecutor):
    """The schema's executor: plain leaf fields directly, every other field as before."""

    _plans_by_type: PlansByType | None = None

    def _plain_value(self, plan: PlainField, source: Any) -> Any:
        try:
            value = plan.read(source, plan.attribute)
            if value is None or value is Undefined:
                return _SLOW if plan.non_null else None
            if type(value) not in _SIMPLE and (
                isinstance(value, Exception) or self.is_awaitable(value)
            ):
                return _SLOW
            serialised = plan.serialise(value)
        except Exception:  # graphql-core's path raises it again, located
            return _SLOW
        return _SLOW if serialised is None or serialised is Undefined else serialised

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        # graphql-core's execute_fields, with plain fields answered before building a path.
        by_type = self._plans_by_type
        if by_type is None:
            by_type = self._plans_by_type = schema_plans(self.schema)
        plans = by_type.get(parent_type)
        if plans is None:
            plans = by_type[parent_type] = plain_fields(parent_type)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                plan = plans.get(node.name.value)
                if plan is not None and not node.arguments:
                    value = self._plain_value(plan, source_value)
                    if value is not _SLOW:
                        results[response_name] = value
                        continue
                field_path = Path(path, response_name, parent_type.name)
                result = self.execute_field(
                    parent_type, source_value, field_details_list, field_path, position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise

        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()
