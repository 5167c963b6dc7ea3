"""A generated file (an invoice's PDF, a photo order's summary) stored, then recorded as a
document and attached to what it belongs to in one short transaction. Two publishers of the same
thing may race: `attach` raises AlreadyAttached when its conditional UPDATE finds another
document already there, and this publisher's transaction rolls back and its file is removed."""

from collections.abc import Awaitable, Callable

from services.sql.uow import Transactions, UnitOfWork
from storage.protocol import DocumentStorage


class AlreadyAttached(Exception):
    """Another publisher attached its document first."""


async def store_and_attach(
    tx: Transactions,
    storage: DocumentStorage,
    data: bytes,
    attach: Callable[[UnitOfWork, str], Awaitable[None]],
) -> bool:
    """Store `data`, then run `attach(uow, storage_key)` in a transaction. True when this call
    attached it, False when another publisher had (nothing of this call is left then)."""
    key = await storage.save(data)
    try:
        await tx.run(lambda uow: attach(uow, key))
    except AlreadyAttached:
        await storage.delete(key)
        return False
    except BaseException:
        await storage.delete(key)
        raise
    return True
