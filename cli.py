"""Command line: `python -m cli <command>`, the commands in COMMANDS at the end (migrate,
seed-if-empty, serve, export-schema, the timers' sweeps, reminders and summaries, ...)."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from settings import Settings

if TYPE_CHECKING:  # imported when run: a command loads only what it uses
    from services.sql.uow import Transactions

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent


def migrate(settings: Settings) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    command.upgrade(config, "head")


def seed_if_empty(settings: Settings) -> None:
    from services.demo.seed import seed_if_empty as seed

    if not settings.demo:
        print("DEMO=0: not seeding the demo school")
        return
    seeded = asyncio.run(seed(settings))
    print("seeded the demo school" if seeded else "database not empty: demo school not seeded")


def serve(settings: Settings) -> None:
    import uvicorn

    from server import uvicorn_options

    settings.check()
    print(f"Cartable on http://{settings.host}:{settings.port} — GraphiQL at /graphql")
    uvicorn.run(
        "server:serving_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.web_concurrency,
        log_level="info",
        **uvicorn_options(settings),
    )


def export_schema(settings: Settings) -> None:
    from strawberry.printer import print_schema

    from resolvers.root import build_schema

    schema = build_schema().schema
    (ROOT / "schema.graphql").write_text(print_schema(schema) + "\n", encoding="utf-8")
    print("schema.graphql written")


def sweep_documents(settings: Settings) -> None:
    """Remove stored files that no document names (older than an hour)."""
    from datetime import timedelta

    from models.db import open_database
    from services.documents.publishing import sweep_unrecorded_files
    from storage.local import LocalStorage

    async def sweep() -> list[str]:
        database = open_database(settings.database_url)
        try:
            async with database.read() as session:
                return await sweep_unrecorded_files(
                    session,
                    LocalStorage(settings.documents_dir),
                    older_than=settings.clock() - timedelta(hours=1),
                )
        finally:
            await database.dispose()

    print(f"removed {len(asyncio.run(sweep()))} unrecorded document files")


def _with_transactions(
    settings: Settings, work: "Callable[[Transactions], Awaitable[T]]", *, mail: bool = False
) -> T:
    """Run `work` against the configured database (with the mail outbox when it queues mails),
    the way a timer's command does: its own connections, closed afterwards."""
    from mailer.outbox import Outbox
    from models.db import open_database
    from services.sql.uow import Transactions

    async def run() -> T:
        database = open_database(settings.database_url)
        try:
            outbox = Outbox.from_settings(settings) if mail else None
            return await work(Transactions(database, settings, outbox=outbox))
        finally:
            await database.dispose()

    return asyncio.run(run())


def sweep_idempotency_keys(settings: Settings) -> None:
    """Forget idempotency keys older than IDEMPOTENCY_RETENTION_DAYS."""
    from datetime import timedelta

    from services.common.idempotency import forget_claimed_before

    before = settings.clock() - timedelta(days=settings.idempotency_retention_days)
    forgotten = _with_transactions(
        settings, lambda tx: tx.run(lambda uow: forget_claimed_before(uow, before))
    )
    print(f"forgot {forgotten} idempotency keys claimed before {before:%Y-%m-%d}")


def weekly_summary(settings: Settings) -> None:
    """Queue the weekly summaries due (from Monday 07:00, school time; once per week): for a
    weekly timer when the app's own loop is not running. The mail worker sends them."""
    from services.dashboard.weekly_summary import send_weekly_summaries

    print(
        f"queued {_with_transactions(settings, send_weekly_summaries, mail=True)} weekly summaries"
    )


def invoice_reminders(settings: Settings) -> None:
    """Queue the invoice reminders due today (school time): days before the due date, then
    once overdue. For a daily timer when the app's own loop is not running; never twice per
    invoice and stage, whoever runs it. The mail worker sends them."""
    from services.billing.reminders import send_invoice_reminders

    sent = _with_transactions(settings, send_invoice_reminders, mail=True)
    print(f"queued {sent} invoice reminders")


def rotate_totp_secrets(settings: Settings) -> None:
    """Re-encrypt every TOTP secret under the first of TOTP_ENCRYPTION_KEYS (after putting a new
    key first); the older keys can be dropped once it has run."""
    from services.accounts.totp_secrets import rotate_all

    done, unreadable = _with_transactions(
        settings, lambda tx: tx.run(lambda uow: rotate_all(uow.session, settings))
    )
    print(f"re-encrypted {done} TOTP secrets")
    if unreadable:
        print(f"no key opens the secrets of users {unreadable}: they must enrol again")
        sys.exit(1)


def publish_photo_orders(settings: Settings) -> None:
    """Publish the invoice and summary of every photo order left without them (the app stopped
    between an order and its publication): safe to run at any time, e.g. daily."""
    from services.photos.summary import publish_pending_orders
    from storage.local import LocalStorage

    storage = LocalStorage(settings.documents_dir)
    published = _with_transactions(
        settings, lambda tx: publish_pending_orders(tx, storage), mail=True
    )
    print(f"published {published} photo order summaries")


def verify_ledger(settings: Settings) -> None:
    from sqlalchemy import inspect

    from models.db import open_database
    from services.wallets.ledger_check import verify_ledger as verify

    async def check() -> bool:
        database = open_database(settings.database_url)
        try:
            async with database.engine.connect() as connection:
                tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            if "ledger_postings" not in tables:
                print("no ledger in this database yet (run `make migrate`): nothing to verify")
                return True
            async with database.read() as session:
                report = await verify(session)
            print(report)
            return report.ok
        finally:
            await database.dispose()

    if not asyncio.run(check()):
        sys.exit(1)


COMMANDS = {
    "migrate": migrate,
    "seed-if-empty": seed_if_empty,
    "serve": serve,
    "export-schema": export_schema,
    "invoice-reminders": invoice_reminders,
    "publish-photo-orders": publish_photo_orders,
    "sweep-documents": sweep_documents,
    "sweep-idempotency-keys": sweep_idempotency_keys,
    "rotate-totp-secrets": rotate_totp_secrets,
    "verify-ledger": verify_ledger,
    "weekly-summary": weekly_summary,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartable")
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args(argv)
    COMMANDS[args.command](Settings())
    return 0


if __name__ == "__main__":
    sys.exit(main())
