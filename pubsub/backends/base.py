"""The contract pubsub/ needs from a broadcaster backend, beyond broadcaster's own."""

from broadcaster import BroadcastBackend


class HardenedBackend(BroadcastBackend):
    """A broadcaster backend that carries JSON text, reports its health, and whose
    `subscribe` / `unsubscribe` never raise: broadcaster's `Broadcast.subscribe` corrupts its
    bookkeeping (KeyError on exit) when they do.

    `subscribe` returns once the channel is listened to, or once the backend is known to be
    down; in the latter case the channel is listened to on reconnect and a `ResyncEvent` for
    it follows on `next_published`.
    """

    def __init__(self) -> None:
        # BroadcastBackend.__init__(url) only raises NotImplementedError.
        pass

    @property
    def healthy(self) -> bool:
        raise NotImplementedError
