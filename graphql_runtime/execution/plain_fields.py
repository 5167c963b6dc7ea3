"""Plain fields read and completed without graphql-core's per-field machinery.

Most fields of a large answer (the dashboard's ~500) are attributes of a Strawberry type
holding a scalar. graphql-core gives each one a path, a resolve info, a resolver call and
three levels of value completion: about as much CPU as the rest of a dashboard query. A
field that is a plain attribute (Strawberry's "basic" field: no resolver, no extension, no
argument) of a scalar or enum type is read and serialised here directly, when no middleware
wraps resolvers. Anything unusual (an exception, null for a non-null field, a value the
scalar does not serialise, an awaitable) takes graphql-core's own path, which gives the same
value or error as it always did.

A plain attribute holding an object (a slot's teacher, an amount, a sale's wallet) is read
without Strawberry's resolver chain (info conversion, arguments, field extensions) and
completed as graphql-core completes a resolver's value; objects (list items included) go
straight to their subfields, skipping the generic dispatch of `complete_value`.
"""

import inspect
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import AwaitableOrValue, Path, gather_with_cancel

from graphql_runtime.execution.plain_plans import (
    STRAWBERRY_TYPE,
    PlainField,
    PlainObjectField,
    Plan,
    PlansByType,
    plain_fields,
    schema_plans,
)
from graphql_runtime.execution.plain_readers import compile_reader
from graphql_runtime.execution.plain_selections import (
    SIMPLE_TYPES,
    PlainEntry,
    PlainSelection,
    SharedSelections,
    Unusual,
    plain_origin,
    read_leaves,
    read_object,
    read_objects,
    strawberry_is_type_of,
)
from graphql_runtime.live.shared_events import SharedEventExecutor

_SLOW = object()
_SHARED = SharedSelections(size=2048)


# An operation's plain selections by (object type, id of the field group asked): the group is
# kept alive beside its plan so that its id is not reused while the operation runs.
Selections = dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, PlainSelection | None]]


class PlainFieldsExecutor(SharedEventExecutor):
    """The schema's executor: plain fields directly, every other field as before."""

    _plans_by_type: PlansByType | None = None
    _selections: Selections | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        # Like graphql-core's memos of subfields, plans are keyed on field groups built anew
        # for each event: each event gets its own, or they would grow for the subscription's life.
        executor = super().build_per_event_executor(payload)
        executor._selections = None
        return executor

    def _plans(self, parent_type: GraphQLObjectType) -> dict[str, Plan]:
        by_type = self._plans_by_type
        if by_type is None:
            by_type = self._plans_by_type = schema_plans(self.schema)
        plans = by_type.get(parent_type)
        if plans is None:
            plans = by_type[parent_type] = plain_fields(parent_type)
        return plans

    def _plain_selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> PlainSelection | None:
        """How to read this object's asked fields in one pass; None when one of them (or of
        its objects) is not plain, or when resolvers are wrapped by a middleware."""
        selections = self._selections
        if selections is None:
            selections = self._selections = {}
        key = (object_type, id(field_details_list))
        found = selections.get(key)
        if found is not None:
            return found[1]
        selection = self._shared_selection(object_type, field_details_list)
        selections[key] = (field_details_list, selection)
        return selection

    def _shared_selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> PlainSelection | None:
        """The plan of earlier operations of the same document, or a new one."""
        manager = self.middleware_manager
        if (
            (manager is not None and manager.middlewares)
            or any(
                details.defer_usage is not None or details.fragment_variable_values is not None
                for details in field_details_list
            )
            or not _SHARED.plain_document(self.operation, self.fragments)
        ):
            return self._plan_selection(object_type, field_details_list)
        nodes = tuple(details.node for details in field_details_list)
        key = (object_type, *map(id, nodes))
        found = _SHARED.get(key)
        if found is not None:
            return found[1]
        selection = self._plan_selection(object_type, field_details_list)
        _SHARED.put(key, nodes, selection)
        return selection

    def _plan_selection(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> PlainSelection | None:
        manager = self.middleware_manager
        if (manager is not None and manager.middlewares) or not strawberry_is_type_of(
            object_type.is_type_of
        ):
            return None
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages:
            return None
        plans = self._plans(object_type)
        entries = []
        for response_name, sub_fields in grouped_field_set.items():
            node = sub_fields[0].node
            plan = plans.get(node.name.value)
            if plan is None or node.arguments:
                return None
            if type(plan) is PlainField:
                entries.append(
                    PlainEntry(
                        response_name,
                        plan.read,
                        plan.attribute,
                        plan.non_null,
                        plan.serialise,
                        plan.unchanged,
                        None,
                    )
                )
                continue
            assert type(plan) is PlainObjectField
            nested_type = get_nullable_type(plan.field.type)
            assert isinstance(nested_type, GraphQLObjectType)
            nested = self._plain_selection(nested_type, sub_fields)
            if nested is None:
                return None
            entries.append(
                PlainEntry(
                    response_name, plan.read, plan.attribute, plan.non_null, None, None, nested
                )
            )
        origin = plain_origin(object_type.extensions.get(STRAWBERRY_TYPE))
        selection = PlainSelection(object_type.is_type_of, origin, tuple(entries))
        return selection._replace(reader=compile_reader(selection))

    def _plain_value(self, plan: PlainField, source: Any) -> Any:
        try:
            value = plan.read(source, plan.attribute)
            if type(value) is plan.unchanged:
                return value
            if value is None or value is Undefined:
                return _SLOW if plan.non_null else None
            if type(value) not in SIMPLE_TYPES and (
                isinstance(value, Exception) or self.is_awaitable(value)
            ):
                return _SLOW
            serialised = plan.serialise(value)
        except Exception:  # graphql-core's path raises it again, located
            return _SLOW
        return _SLOW if serialised is None or serialised is Undefined else serialised

    def _plain_object(self, plan: PlainObjectField, source: Any) -> Any:
        """The object a plain attribute holds; None for a nullable field holding none; _SLOW
        for anything graphql-core's path must see (an exception, an awaitable, a missing
        value of a non-null field)."""
        try:
            value = plan.read(source, plan.attribute)
        except Exception:  # graphql-core's path raises it again, located
            return _SLOW
        if value is None or value is Undefined:
            return _SLOW if plan.non_null else None
        if isinstance(value, Exception) or self.is_awaitable(value):
            return _SLOW
        return value

    def _complete_plain_object(
        self,
        plan: PlainObjectField,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        """graphql-core's execute_field once the resolver has returned `value`."""
        field = plan.field
        return_type = field.type
        info = self.build_resolve_info(field, to_nodes(field_details_list), parent_type, path)
        try:
            completed = self.complete_value(
                return_type, field_details_list, info, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return await_completed()

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        # Objects and lists asking plain fields only, read in one pass; an object asking for
        # more, straight to its subfields; graphql-core's generic dispatch for everything
        # else, and for anything unusual.
        if position_context is None and result is not None and result is not Undefined:
            nullable = (
                return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
            )
            try:
                if isinstance(nullable, GraphQLObjectType):
                    return self._complete_object(nullable, field_details_list, info, path, result)
                if isinstance(nullable, GraphQLList) and type(result) in (list, tuple):
                    completed = self._plain_list(nullable, field_details_list, info, result)
                    if completed is not None:
                        return completed
            except Unusual:
                pass
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _complete_object(
        self,
        object_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> AwaitableOrValue[Any]:
        selection = self._plain_selection(object_type, field_details_list)
        if selection is not None:
            try:
                return read_object(selection, result, info, self.is_awaitable)
            except Exception:  # graphql-core's path raises it again, located
                raise Unusual from None
        if isinstance(result, Exception):
            raise Unusual
        is_type_of = object_type.is_type_of
        if is_type_of is not None:
            matches = is_type_of(result, info)
            if matches is not True:
                if inspect.iscoroutine(matches):
                    matches.close()  # asked again, and awaited, on graphql-core's path
                raise Unusual
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(
            object_type, field_details_list
        )
        if new_defer_usages:
            raise Unusual
        return self.execute_fields(object_type, result, path, grouped_field_set, None)

    def _plain_list(
        self,
        list_type: GraphQLList[Any],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        items: list[Any] | tuple[Any, ...],
    ) -> list[Any] | None:
        """A list of leaves, or of objects asking plain fields only, completed; None when
        graphql-core must complete it (its items need more, or a directive such as @stream
        may apply to it)."""
        if any(details.node.directives for details in field_details_list):
            return None
        item_type = list_type.of_type
        items_non_null = type(item_type) is GraphQLNonNull
        nullable = item_type.of_type if items_non_null else item_type
        kind = type(nullable)
        try:
            if kind is GraphQLObjectType:
                selection = self._plain_selection(nullable, field_details_list)
                if selection is None:
                    return None
                return read_objects(selection, items, items_non_null, info, self.is_awaitable)
            if is_leaf_type(nullable):
                return read_leaves(
                    nullable.coerce_output_value, items, items_non_null, self.is_awaitable
                )
        except Exception:  # graphql-core's path raises it again, located
            raise Unusual from None
        return None

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
        plans = self._plans(parent_type)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                plan = plans.get(node.name.value)
                if plan is not None and not node.arguments:
                    if isinstance(plan, PlainField):
                        value = self._plain_value(plan, source_value)
                        if value is not _SLOW:
                            results[response_name] = value
                            continue
                    else:
                        value = self._plain_object(plan, source_value)
                        if value is None:
                            results[response_name] = None
                            continue
                        if value is not _SLOW:
                            field_path = Path(path, response_name, parent_type.name)
                            result = self._complete_plain_object(
                                plan,
                                parent_type,
                                field_details_list,
                                field_path,
                                value,
                                position_context,
                            )
                            results[response_name] = result
                            if is_awaitable(result):
                                awaitable_fields.append(response_name)
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
