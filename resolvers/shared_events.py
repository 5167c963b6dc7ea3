"""Events every subscriber of a channel receives alike: executed and serialised once.

The naive path executes a subscription's selection set on each event, then serialises the
result to JSON, once per subscriber: with thousands of watchers of one meeting, that work is
the fan-out's cost. An event marked `shared` (by `resolvers.live.follow`, for a subscription
whose output does not depend on the viewer) carries a small table of its results: the first
subscriber to execute a given selection fills it, the others with the same document text,
operation name and variables reuse that result, and the JSON text is made once too (see
`SharedData` and `resolvers.transport`).

Only events are shared: a subscription's authorisation and its snapshot stay per subscriber.
"""

import asyncio
import json
from collections.abc import Awaitable
from typing import Any, TypeVar

from graphql import ExecutionResult

from resolvers.execution import EventScopedExecutor
from resolvers.operation_context import current_sender

T = TypeVar("T")

_RESULTS = "_shared_results"


SelectionKey = tuple[str, str | None, str]


class SharedData(dict[str, Any]):
    """A result's data shared by every subscriber of one event; its JSON is made once."""

    __slots__ = ("_json",)

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self._json: str | None = None

    @property
    def serialised(self) -> bool:
        return self._json is not None

    def json(self) -> str:
        if self._json is None:
            # The separators strawberry itself uses: the same bytes as the unshared path.
            self._json = json.dumps(self, separators=(",", ":"))
        return self._json


def share(item: T) -> T:
    """Mark an event object as the same for every subscriber: its selections are executed
    once per distinct (document, operation, variables). Only for output that does not
    depend on the viewer."""
    setattr(item, _RESULTS, {})
    return item


def shared_results(item: object) -> dict[SelectionKey, Any] | None:
    results: dict[SelectionKey, Any] | None = getattr(item, _RESULTS, None)
    return results


class SharedEventExecutor(EventScopedExecutor):
    """Strawberry's executor (with per-event memos), consulting a shared event's results
    before executing it."""

    _selection: SelectionKey | None = None

    def build_per_event_executor(self, payload: Any) -> Any:
        # The key is computed once per subscription and told to its operation's sender,
        # which then writes later shared events without executing them.
        if self._selection is None:
            self._selection = self._selection_key()
            sender = current_sender()
            if sender is not None:
                sender.key = self._selection
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None) -> Any:
        results = shared_results(self.root_value)
        if results is None:
            return super().execute_operation(serially)
        key = self._selection or self._selection_key()
        found = results.get(key)
        if found is None:
            found = results[key] = _shareable(super().execute_operation(serially))
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


def _shareable(result: Any) -> Any:
    """A result others may reuse: its data as SharedData; an awaitable one as a future."""
    if isinstance(result, ExecutionResult):
        return _freeze(result)
    if isinstance(result, Awaitable):
        return asyncio.ensure_future(_settle(result))
    return result


async def _settle(result: Awaitable[Any]) -> Any:
    return _freeze(await result)


def _freeze(result: ExecutionResult) -> ExecutionResult:
    if result.errors or result.data is None:
        return result
    return ExecutionResult(SharedData(result.data), None, result.extensions)


async def _wait(found: "asyncio.Future[Any]") -> Any:
    # Shielded: one subscriber leaving must not cancel the execution the others await.
    return await asyncio.shield(found)
