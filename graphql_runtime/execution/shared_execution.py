"""Shared events executed once per distinct selection (see graphql_runtime/live/shared_events.py).

The executor consults an event's table of results before executing it: the first subscriber
with a given document, operation and variables executes it and leaves the result (its data as
`SharedData`, whose JSON is then made once); the others reuse it. Only subscriptions declared
to share their events (`shares_events`, checked when the schema is built) may: an event marked
shared under any other subscription is refused rather than shown alike to every viewer.
"""

import asyncio
import json
from collections.abc import Awaitable
from typing import Any

from graphql import ExecutionResult, FieldNode, FragmentSpreadNode, InlineFragmentNode

from graphql_runtime.execution.caches import ExecutionCaches
from graphql_runtime.execution.per_event import EventScopedExecutor
from graphql_runtime.live.parking import current_sender
from graphql_runtime.live.shared_events import (
    Claim,
    SelectionKey,
    SharedData,
    claims,
    shared_results,
)


class UndeclaredSharing(TypeError):
    """A subscription shares its events without being declared to (`shares_events`)."""


class SharedEventExecutor(EventScopedExecutor):
    """Strawberry's executor (with per-event memos), consulting a shared event's results
    before executing it. `caches`: the built schema's (a subclass per schema sets it)."""

    caches: ExecutionCaches | None = None
    _selection: SelectionKey | None = None
    _declared = False

    def build_per_event_executor(self, payload: Any) -> Any:
        # The key is computed once per subscription and told to its operation's sender,
        # which then writes later shared events without executing them.
        if self._selection is None:
            self._selection = self._selection_key()
            sender = current_sender()
            if sender is not None:
                sender.key = self._selection
        if not self._declared and shared_results(payload) is not None:
            self._require_declared()
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None) -> Any:
        results = shared_results(self.root_value)
        if results is None:
            return super().execute_operation(serially)
        key = self._selection or self._selection_key()
        found = results.get(key)
        probes = self.caches.probes if self.caches is not None else None
        if found is None:
            pending = claims(self.root_value)
            claim = pending.get(key) if pending is not None else None
            found = results[key] = _shareable(super().execute_operation(serially), claim)
            if probes is not None:
                probes.shared_executions += 1
        elif probes is not None:
            probes.shared_reuses += 1
        if isinstance(found, asyncio.Future):
            return _wait(found)
        return found

    def _selection_key(self) -> SelectionKey:
        # Everything the result depends on besides the event: the document, the operation
        # chosen in it and the variables (coerced, defaults included).
        operation = self.operation
        source = operation.loc.source.body if operation.loc else repr(operation)
        name = operation.name.value if operation.name else None
        variables = json.dumps(self.variable_values.coerced, sort_keys=True, default=repr)
        return source, name, variables

    def _require_declared(self) -> None:
        field = _root_field(self.operation.selection_set.selections, self.fragment_definitions)
        shared = self.caches.shared_fields if self.caches is not None else frozenset()
        if field not in shared:
            raise UndeclaredSharing(
                f"Subscription.{field} shares its events (follow(shared_as=...)) but is not "
                "declared with @shares_events, so nothing checked that its output is the same "
                "for every viewer"
            )
        self._declared = True


def _root_field(selections: Any, fragments: Any) -> str | None:
    """The name of the (single) root field a subscription selects."""
    for selection in selections:
        if isinstance(selection, FieldNode):
            return selection.name.value
        if isinstance(selection, InlineFragmentNode):
            found = _root_field(selection.selection_set.selections, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            found = _root_field(fragment.selection_set.selections, fragments) if fragment else None
        else:
            found = None
        if found is not None:
            return found
    return None


def _shareable(result: Any, claim: Claim | None) -> Any:
    """A result others may reuse: its data as SharedData; an awaitable one as a future."""
    if isinstance(result, ExecutionResult):
        return _freeze(result, claim)
    if isinstance(result, Awaitable):
        return asyncio.ensure_future(_settle(result, claim))
    return result


async def _settle(result: Awaitable[Any], claim: Claim | None) -> Any:
    return _freeze(await result, claim)


def _freeze(result: ExecutionResult, claim: Claim | None) -> ExecutionResult:
    if result.errors or result.data is None:
        return result
    return ExecutionResult(SharedData(result.data, claim), None, result.extensions)


async def _wait(found: "asyncio.Future[Any]") -> Any:
    # Shielded: one subscriber leaving must not cancel the execution the others await.
    return await asyncio.shield(found)
