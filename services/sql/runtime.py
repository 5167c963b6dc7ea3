"""Everything a request needs that lives as long as the app: built by the lifespan."""

from dataclasses import dataclass

from mailer.worker import OutboxWorker
from models.db import Database
from payments.registry import Payments
from pubsub.hub import PubSub
from services.gdpr.worker import ExportWorker
from services.sql.uow import Transactions
from settings import Settings
from storage.protocol import DocumentStorage


@dataclass
class Runtime:
    settings: Settings
    database: Database
    transactions: Transactions
    pubsub: PubSub
    # The payment providers (online top-ups) and their webhooks' registry.
    payments: Payments
    # Where document files live.
    storage: DocumentStorage
    # Sends the outbox's mails (woken after each commit that queued one).
    mail_worker: OutboxWorker
    # Builds large data exports in the background (woken by requestDataExport).
    export_worker: ExportWorker
