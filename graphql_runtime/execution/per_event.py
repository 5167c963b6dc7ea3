"""Subscription events executed without memory that grows with every event.

graphql-core 3.3.2 executes each event of a subscription on a shallow copy of the subscription's
executor, so every copy shares its memos of collected subfields and stream usages. Those memos
are keyed on lists built anew for each event and keep them alive: they grew by every event's
entries for as long as the subscription lived (measured: about 2 KB per event for one
meetingSlotsChanged watcher, so tens of megabytes per busy watcher over a day). Each event gets
memos of its own; they still serve the items of lists within that event.
"""

from typing import Any

from graphql_runtime.compat import (
    Executor,
    StrawberryGraphQLCoreExecutionContext,
    reset_event_memos,
)


class EventScopedExecutor(StrawberryGraphQLCoreExecutionContext):
    def build_per_event_executor(self, payload: Any) -> Executor:
        executor = super().build_per_event_executor(payload)
        reset_event_memos(executor)
        return executor
