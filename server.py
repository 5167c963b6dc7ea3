"""The application: `create_app(settings)` wires the database, the broadcast and the mail sender.

uvicorn: `uvicorn server:app` (built on first access) or `uvicorn --factory server:create_app`.
"""

import gc
import multiprocessing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route, WebSocketRoute

from mailer.outbox import Outbox
from mailer.senders import sender_from_settings
from mailer.worker import OutboxWorker
from models.db import open_database
from payments.registry import RETURN_PATH, WEBHOOK_PATH, build_payments
from pubsub.hub import PubSub
from resolvers.endpoint import CartableGraphQL
from resolvers.root import build_schema
from routes import bank_statements, documents, gdpr, health, reports, school
from routes import payments as payment_routes
from routes import photos as photo_routes
from services.banking.reconciler import Reconciler
from services.gdpr.worker import ExportWorker
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from settings import ConfigurationError, Settings
from storage.local import LocalStorage
from web_access.graphql_http import GraphQLOverHTTP
from web_access.guard import CookieSessionGuard
from web_access.security_headers import SecurityHeaders
from web_access.spa import Dashboard


def _check_process_model(settings: Settings) -> None:
    """memory:// cannot reach other workers: refuse it where several processes can be seen."""
    worker_of_a_pool = multiprocessing.parent_process() is not None
    if worker_of_a_pool and settings.broadcast_url.startswith("memory"):
        raise ConfigurationError(
            "this process is one of several workers but BROADCAST_URL=memory:// "
            "cannot share events between them: use redis:// or postgresql://"
        )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    settings.check()
    _check_process_model(settings)

    database = open_database(settings.database_url)
    pubsub = PubSub(settings.broadcast_url, queue_size=settings.subscriber_queue_size)
    outbox = Outbox.from_settings(settings)
    worker = OutboxWorker.from_settings(database, sender_from_settings(settings), settings)
    transactions = Transactions(database, settings, pubsub, outbox, on_mail=worker.wake)
    payments = build_payments(settings, database)
    runtime = Runtime(
        settings,
        database,
        transactions,
        pubsub,
        payments=payments,
        storage=LocalStorage(settings.documents_dir),
        mail_worker=worker,
        export_worker=ExportWorker(transactions, LocalStorage(settings.exports_dir)),
    )
    built = build_schema(
        production=settings.production,
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        executor=settings.graphql_executor,
    )
    graphql = CartableGraphQL(runtime, built)
    reconciler = Reconciler(transactions, payments)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pubsub.connect()
        worker.start()
        payments.start()
        reconciler.start()
        runtime.export_worker.start()
        try:
            yield
        finally:
            await reconciler.stop()
            await runtime.export_worker.stop()
            await worker.stop()
            await payments.aclose()
            await pubsub.disconnect()
            await database.dispose()

    # The session cookie of browsers is checked before the endpoint sees a request.
    endpoint = CookieSessionGuard(GraphQLOverHTTP(graphql), settings)
    routes: list[BaseRoute] = [
        Route("/graphql", endpoint, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", health.healthz),
        Route("/me/export.json", gdpr.export_json),
        Route("/me/exports/{export_id}", gdpr.download_export),
        Route("/readyz", health.readyz),
        Route("/documents", documents.upload, methods=["POST"]),
        Route("/documents/{document_id}/file", documents.replace_file, methods=["POST"]),
        Route("/bank-statements", bank_statements.upload, methods=["POST"]),
        Route("/documents/{document_id}/download", documents.download, methods=["GET"]),
        Route("/photo-campaigns/{campaign_id}/proofs", photo_routes.upload_proof, methods=["POST"]),
        Route("/photo-campaigns/{campaign_id}/production.csv", photo_routes.production_csv),
        Route("/roster", school.roster, methods=["POST"]),
        Route("/class-moves", school.class_moves, methods=["POST"]),
        Route("/reports/meals.csv", reports.meals, methods=["GET"]),
        Route("/reports/balances.csv", reports.balances, methods=["GET"]),
        Route("/reports/sales.csv", reports.sales, methods=["GET"]),
        Route("/reports/open-invoices.csv", reports.open_invoices, methods=["GET"]),
        Route(WEBHOOK_PATH, payment_routes.webhook, methods=["POST"]),
        Route(RETURN_PATH, payment_routes.payment_return),
        *payments.routes,
        *Dashboard(settings.web_dist_dir).routes(),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(SecurityHeaders)])
    app.state.runtime = runtime
    app.state.reconciler = reconciler
    app.state.graphql_schema = built  # its probes count the engine's fast paths (tests)
    return app


def serving_app() -> Starlette:
    """The app of a server process (`cli serve`): built, then everything alive at that point
    (modules, the schema, SQLAlchemy's metadata: several hundred thousand objects) is moved
    out of the cyclic garbage collector's reach. They live as long as the process, and the
    collections that requests' garbage triggers otherwise traverse them all (measured: 13 ms
    of CPU per dashboard query under 16 concurrent ones, 10 ms with them frozen). Only for a
    process serving one app: tests build many apps in one process and must let them go."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves the app, the same for `make run`, the tests and the benchmarks."""
    return {
        # uvicorn's default with `websockets` installed, named because graphql_runtime.live.transport
        # relies on it: a send waits for a writable socket before writing, never after.
        "ws": "websockets-sansio",
        # permessage-deflate costs ~40 KB of memory per socket for frames of a few hundred
        # bytes of JSON: off (see bench/).
        "ws_per_message_deflate": False,
        # Heartbeat: a peer that stops answering pings is dropped, freeing its subscriptions.
        "ws_ping_interval": settings.ws_ping_interval_seconds,
        "ws_ping_timeout": settings.ws_ping_interval_seconds,
        "proxy_headers": True,
    }


def __getattr__(name: str) -> Any:
    # `server:app` for uvicorn without building an app at import time.
    if name == "app":
        return create_app()
    raise AttributeError(name)
