"""The background builder of large data exports: woken by the request that asked for one,
and every poll interval anyway (an export asked for in another process, a builder that died),
when it also deletes the links that expired. Runs in every process; the conditional UPDATEs of
services/gdpr/deferred.py keep two of them from building one export twice."""

from services.common.periodic import Periodic
from services.gdpr.deferred import build_pending, sweep_expired
from services.sql.uow import Transactions
from storage.protocol import DocumentStorage


class ExportWorker(Periodic[int]):
    name = "data-exports"

    def __init__(self, tx: Transactions, storage: DocumentStorage) -> None:
        super().__init__()
        self.tx = tx
        self.storage = storage

    def interval_seconds(self) -> float:
        return self.tx.settings.data_export_poll_seconds

    async def run_once(self) -> int:
        mailed = await build_pending(self.tx, self.storage)
        await sweep_expired(self.tx, self.storage)
        return mailed
