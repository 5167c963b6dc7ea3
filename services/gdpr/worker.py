"""The background builder of large data exports: woken by the request that asked for one,
and every poll interval anyway (an export asked for in another process, a builder that died),
when it also deletes the links that expired. Runs in every process; the conditional UPDATEs of
services/gdpr/deferred.py keep two of them from building one export twice."""

import asyncio
import contextlib
import logging

from services.gdpr.deferred import build_pending, sweep_expired
from services.sql.uow import Transactions
from storage.protocol import DocumentStorage

log = logging.getLogger(__name__)


class ExportWorker:
    def __init__(self, tx: Transactions, storage: DocumentStorage) -> None:
        self.tx = tx
        self.storage = storage
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="data-exports")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        mailed = await build_pending(self.tx, self.storage)
        await sweep_expired(self.tx, self.storage)
        return mailed

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.warning("building data exports failed this round", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=self.tx.settings.data_export_poll_seconds
                )
            self._wake.clear()
