from sqlalchemy import text

from models.db import Database


async def test_database_answers(db: Database) -> None:
    async with db.read() as session:
        assert (await session.execute(text("select 1"))).scalar_one() == 1
