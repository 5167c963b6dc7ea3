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
    is_leaf_type,
)

from graphql_runtime.compat import (
    AwaitableOrValue,
    FieldDetailsList,
    GroupedFieldSet,
    Path,
    gather_with_cancel,
    to_nodes,
)
from graphql_runtime.execution.caches import ExecutionCaches
from graphql_runtime.execution.plain_planning import PlanningExecutor
from graphql_runtime.execution.plain_plans import (
    PlainField,
    PlainObjectField,
)
from graphql_runtime.execution.plain_selections import (
    SIMPLE_TYPES,
    PlainSelection,
    Unusual,
    read_leaves,
    read_object,
    read_objects,
)

_SLOW = object()


class PlainFieldsExecutor(PlanningExecutor):
    """The schema's executor: plain fields directly, every other field as before. Built per
    schema (`executor_for`), with that schema's caches."""

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
                read = read_object(selection, result, info, self.is_awaitable)
            except Exception:  # graphql-core's path raises it again, located
                raise Unusual from None
            self._count_selection(selection)
            return read
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
                read = read_objects(selection, items, items_non_null, info, self.is_awaitable)
                self._count_selection(selection)
                return read
            if is_leaf_type(nullable):
                return read_leaves(
                    nullable.coerce_output_value, items, items_non_null, self.is_awaitable
                )
        except Exception:  # graphql-core's path raises it again, located
            raise Unusual from None
        return None

    def _count_selection(self, selection: PlainSelection) -> None:
        probes = self.caches.probes
        probes.plain_selections += 1
        if selection.reader is not None:
            probes.compiled_reads += 1

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
        plain = 0
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                plan = plans.get(node.name.value)
                if plan is not None and not node.arguments:
                    if isinstance(plan, PlainField):
                        value = self._plain_value(plan, source_value)
                        if value is not _SLOW:
                            results[response_name] = value
                            plain += 1
                            continue
                    else:
                        value = self._plain_object(plan, source_value)
                        if value is None:
                            results[response_name] = None
                            plain += 1
                            continue
                        if value is not _SLOW:
                            plain += 1
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
        self.caches.probes.plain_fields += plain

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


def executor_for(caches: ExecutionCaches) -> type[PlainFieldsExecutor]:
    """The executor class of one built schema: graphql-core makes an instance per operation
    and knows only the class, so the schema's caches ride on a subclass made for it."""
    return type("PlainFieldsExecutor", (PlainFieldsExecutor,), {"caches": caches})
