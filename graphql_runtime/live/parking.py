"""What a live subscription (follow.py) and its websocket operation (transport.py) know of each
other: the two halves of parking meet here, so that neither imports the other.

`follow` runs inside the operation's task and finds the operation's `Sender` in a context
variable the transport sets; through it, it writes frames made by others and hands its
subscription over to the fan-out while idle (parks), raising `Parked` to end the task. The
transport keeps what `follow` left (a `ParkedFollower`) until the operation runs again or ends.
"""

from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Protocol

from graphql_runtime.live.shared_events import SelectionKey, SharedData
from graphql_runtime.probes import Probes


class Parked(BaseException):
    """Raised out of `follow` when its subscription was handed over to the fan-out (parked):
    the operation's task ends, and with it the whole stack strawberry and graphql-core keep
    for a waiting subscription. A BaseException, so that no layer between the generator and
    the transport takes it for the subscription's failure."""


class ParkedFollower(Protocol):
    """Where a parked subscription stands, kept by the transport while no task runs it."""

    def close(self) -> Awaitable[None]:
        """The subscriber leaves: settle what it owes the others and unsubscribe."""
        ...


class Sender(Protocol):
    """The websocket operation a subscription runs in, as `follow` and the executor use it."""

    # The operation's selection (document, operation, variables), set by the executor when it
    # first runs the operation; None until then.
    key: SelectionKey | None
    probes: Probes | None

    @property
    def completed(self) -> bool: ...

    def park(self, follower: ParkedFollower) -> bool:
        """Keep `follower` while the operation's task ends; False when it cannot park."""
        ...

    def revive(self) -> None:
        """Run the parked operation again; its `follow` resumes with the follower."""
        ...

    def take_follower(self) -> ParkedFollower | None: ...

    def send_shared(self, item: object) -> Awaitable[bool]:
        """True when `item`'s frame for this selection was already made and is now sent."""
        ...

    def send_data(self, data: SharedData) -> Awaitable[None]: ...

    def send_now(self, data: SharedData) -> bool:
        """Write the frame at once if the socket takes it without waiting; False otherwise."""
        ...


# Set by the transport in each operation's own task; None outside websocket operations.
SENDER: ContextVar[Sender | None] = ContextVar("operation_sender", default=None)


def current_sender() -> Sender | None:
    return SENDER.get()
