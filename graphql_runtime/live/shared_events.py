"""Events every subscriber of a channel receives alike: executed and serialised once.

The naive path executes a subscription's selection set on each event, then serialises the
result to JSON, once per subscriber: with thousands of watchers of one meeting, that work is
the fan-out's cost. An event marked `shared` (by `graphql_runtime.live.follow.follow`, for a subscription
whose output does not depend on the viewer) carries a small table of its results: the first
subscriber to execute a given selection fills it, the others with the same document text,
operation name and variables reuse that result, and the JSON text is made once too (see
`SharedData`, `graphql_runtime.live.transport`, and the executor's side in
`graphql_runtime/execution/shared_execution.py`).

Subscribers idle when an event arrives do not even execute it: `graphql_runtime.live.follow` has one of
them (the claim's owner) execute it, and the others wait in its `Claim`, to be written the
frame as soon as it is made (`graphql_runtime.live.transport`).

Only events are shared: a subscription's authorisation and its snapshot stay per subscriber.
"""

import asyncio
import json
import logging
from typing import Any, Protocol, TypeVar

from graphql import ExecutionResult

T = TypeVar("T")

_RESULTS = "_shared_results"
_CLAIMS = "_shared_claims"

log = logging.getLogger(__name__)


SelectionKey = tuple[str, str | None, str]


class SharedData(dict[str, Any]):
    """A result's data shared by every subscriber of one event; its JSON is made once.
    `claim`: the subscribers waiting for it (settled by the transport once the JSON is made)."""

    __slots__ = ("_json", "claim")

    def __init__(self, data: dict[str, Any], claim: "Claim | None" = None) -> None:
        super().__init__(data)
        self._json: str | None = None
        self.claim = claim

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
    setattr(item, _CLAIMS, {})
    return item


def shared_results(item: object) -> dict[SelectionKey, Any] | None:
    results: dict[SelectionKey, Any] | None = getattr(item, _RESULTS, None)
    return results


def ready_data(item: object, key: SelectionKey) -> SharedData | None:
    """The event's data for this selection when it is made and serialised (complete), else None."""
    results = shared_results(item)
    found = results.get(key) if results is not None else None
    if not isinstance(found, ExecutionResult):
        return None
    data = found.data
    # Only data that went out as a plain `{"data": ...}` frame is known to be complete.
    if type(data) is not SharedData or not data.serialised:
        return None
    return data


class Waiter(Protocol):
    def claim_settled(self, claim: "Claim") -> None: ...


class Claim:
    """Subscribers of one selection waiting for one shared event's frame, which its owner (a
    subscriber woken for it) makes. Settled once: with the data, or None when the owner could
    not make it (the waiters then re-read a snapshot)."""

    __slots__ = ("_future", "_waiters", "data", "item", "key", "settled")

    def __init__(self, item: object, key: SelectionKey) -> None:
        self.item, self.key = item, key
        self.settled = False
        self.data: SharedData | None = None
        self._waiters: list[Waiter] = []
        self._future: asyncio.Future[None] | None = None

    def join(self, waiter: Waiter) -> bool:
        if self.settled:
            return False
        self._waiters.append(waiter)
        return True

    def settle(self, data: SharedData | None) -> None:
        if self.settled:
            return
        self.settled, self.data = True, data
        self.item = None
        if self._future is not None and not self._future.done():
            self._future.set_result(None)
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            try:
                waiter.claim_settled(self)
            except Exception:  # one broken socket must not keep the frame from the others
                log.exception("writing a shared frame to a waiting subscriber failed")

    async def wait(self) -> SharedData | None:
        if not self.settled:
            if self._future is None:
                self._future = asyncio.get_running_loop().create_future()
            # Shielded: one waiter leaving must not cancel the future the others await.
            await asyncio.shield(self._future)
        return self.data


def claims(item: object) -> dict[SelectionKey, Claim] | None:
    """The claims on a shared event, one per selection; None for an event not shared."""
    found: dict[SelectionKey, Claim] | None = getattr(item, _CLAIMS, None)
    return found
