"""Seed the demo school into an empty database (deterministic: tests and newcomers rely on it)."""

from sqlalchemy import func, select

from models.db import open_database
from models.family import School
from services.demo.documents import seed_documents, seed_events
from services.demo.invoices import DiscardMail, seed_invoices
from services.demo.meals import seed_meals
from services.demo.meetings import seed_meetings
from services.demo.photos import seed_photos
from services.demo.school import DemoSchool, seed_people
from services.demo.wallets import seed_wallets
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings
from storage.local import LocalStorage


async def seed_demo(uow: UnitOfWork) -> DemoSchool:
    """Every domain's part of the demo school, in one transaction."""
    demo = await seed_people(uow, uow.settings.demo_families)
    await seed_wallets(uow, demo)
    await seed_meals(uow, demo)
    await seed_documents(uow, demo)
    await seed_events(uow, demo)
    await seed_meetings(uow, demo)
    await seed_photos(uow, demo)
    return demo


async def seed_if_empty(settings: Settings) -> bool:
    database = open_database(settings.database_url)
    try:
        async with database.read() as session:
            if await session.scalar(select(func.count()).select_from(School)):
                return False
        demo = await Transactions(database, settings).run(seed_demo)
        # Invoices are published (their PDFs rendered) outside the issuing transaction.
        billing = Transactions(database, settings, outbox=DiscardMail())
        await seed_invoices(billing, LocalStorage(settings.documents_dir), demo)
        return True
    finally:
        await database.dispose()
