"""How the executor plans plain fields and selections (execution/plain_fields.py reads them).

A type's plain fields are planned once per built schema; a selection (an object's asked fields,
all plain) once per operation, and once per document for documents without directives, whose
operations the parser cache hands the same nodes (execution/plain_selections.py). Each
selection gets the reader written for it (execution/plain_readers.py).
"""

from typing import Any

from graphql import GraphQLObjectType, get_nullable_type

from graphql_runtime.compat import FieldDetailsList, definition_of
from graphql_runtime.execution.caches import ExecutionCaches
from graphql_runtime.execution.plain_plans import (
    PlainField,
    PlainObjectField,
    Plan,
    plain_fields,
)
from graphql_runtime.execution.plain_selections import (
    PlainEntry,
    PlainSelection,
    plain_origin,
    strawberry_is_type_of,
)
from graphql_runtime.execution.shared_execution import SharedEventExecutor

# An operation's plain selections by (object type, id of the field group asked): the group is
# kept alive beside its plan so that its id is not reused while the operation runs.
Selections = dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, PlainSelection | None]]


class PlanningExecutor(SharedEventExecutor):
    """The executor's plans: which fields of a type are plain, and how to read a selection
    of them in one pass (per operation, shared by the operations of one document)."""

    caches: ExecutionCaches
    _selections: Selections | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        # Like graphql-core's memos of subfields, plans are keyed on field groups built anew
        # for each event: each event gets its own, or they would grow for the subscription's life.
        executor = super().build_per_event_executor(payload)
        executor._selections = None
        return executor

    def _plans(self, parent_type: GraphQLObjectType) -> dict[str, Plan]:
        by_type = self.caches.plans_by_type
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
            or not self.caches.selections.plain_document(self.operation, self.fragments)
        ):
            return self._plan_selection(object_type, field_details_list)
        shared = self.caches.selections
        nodes = tuple(details.node for details in field_details_list)
        key = (object_type, *map(id, nodes))
        found = shared.get(key)
        if found is not None:
            return found[1]
        selection = self._plan_selection(object_type, field_details_list)
        shared.put(key, nodes, selection)
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
        origin = plain_origin(definition_of(object_type))
        selection = PlainSelection(object_type.is_type_of, origin, tuple(entries))
        return selection._replace(reader=self.caches.readers.reader_for(selection))
