"""The websocket operation running in the current task, for code that runs inside it."""

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphql_runtime.live.transport import OperationSender

# Set by the transport in each operation's own task; None outside websocket operations.
SENDER: ContextVar["OperationSender | None"] = ContextVar("operation_sender", default=None)


def current_sender() -> "OperationSender | None":
    return SENDER.get()
