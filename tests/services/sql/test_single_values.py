"""An expanding IN parameter given one value runs as an equality: the same rows."""

from sqlalchemy import BindParameter, bindparam, select
from sqlmodel import col

from models.db import Database
from models.family import Child
from services.sql.column_reads import column_rows
from services.sql.single_values import single_values
from services.sql.uow import Transactions
from tests.factories import make_family, make_school

IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
STATEMENT = select(col(Child.id), col(Child.first_name)).where(col(Child.id).in_(IDS))


def test_one_value_is_an_equality_and_several_stay_a_list() -> None:
    one, params = single_values(STATEMENT, {"ids": [7], "other": 1})
    assert params == {"ids": 7, "other": 1}
    assert "children.id = :ids" in str(one)
    assert single_values(STATEMENT, {"ids": [7], "other": 1})[0] is one  # planned once
    several, params = single_values(STATEMENT, {"ids": [7, 8]})
    assert several is STATEMENT and params == {"ids": [7, 8]}
    without = select(col(Child.id))
    assert single_values(without, {"ids": [7]})[0] is without  # no such condition: as it is


async def test_the_same_rows_either_way(tx: Transactions, db: Database) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    first, second = (child.id for child in family.children)
    async with db.read() as session:
        alone = await column_rows(session, STATEMENT, {"ids": [first]})
        both = await column_rows(session, STATEMENT, {"ids": [first, second]})
        none = await column_rows(session, STATEMENT, {"ids": [-1]})
    assert [tuple(row) for row in alone] == [tuple(row) for row in both if row[0] == first]
    assert len(both) == 2 and none == []
