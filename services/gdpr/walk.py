"""Which rows belong to a family: a generic walk over SQLModel.metadata, so tables added later
are covered without touching this file. A row belongs to the family when one of its columns
points at the parent, one of the children or one of their wallets (by name or foreign key)."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

import models  # noqa: F401  (registers every table)
from models.accounts import LoginAttempt, User
from models.family import Child, Guardianship
from models.mail import OutboxMail
from models.wallets import Wallet

# Columns that name the owner, by name; a foreign key to the same table counts too.
OWNER_COLUMNS = {
    "user_id": "users",
    "parent_id": "users",
    "child_id": "children",
    "wallet_id": "wallets",
}
# Never exported: secrets that are useless to the family and dangerous in a file.
SECRET_COLUMNS = {"password_hash", "token_hash", "secret", "secret_sealed", "totp_secret"}


@dataclass
class Family:
    parent: User
    children: list[Child]
    wallet_ids: list[int]
    user_ids: list[int] = field(default_factory=list)

    def ids(self, target: str) -> list[int]:
        if target == "users":
            return self.user_ids
        if target == "children":
            return [int(c.id or 0) for c in self.children]
        return self.wallet_ids


async def load_family(session: AsyncSession, parent: User) -> Family:
    child_ids = select(col(Guardianship.child_id)).where(col(Guardianship.parent_id) == parent.id)
    children = list(
        (await session.scalars(select(Child).where(col(Child.id).in_(child_ids)))).all()
    )
    wallets = await session.scalars(
        select(col(Wallet.id)).where(col(Wallet.child_id).in_([c.id for c in children]))
    )
    return Family(
        parent, children, [int(w) for w in wallets if w is not None], [int(parent.id or 0)]
    )


def owner_target(column: Column[Any]) -> str | None:
    """The table (users, children, wallets) this column points at, if any."""
    for key in column.foreign_keys:
        if key.column.table.name in OWNER_COLUMNS.values():
            return key.column.table.name
    return OWNER_COLUMNS.get(column.name)


def family_condition(table: Table, family: Family) -> ColumnElement[bool] | None:
    """Where-clause selecting this table's rows that belong to the family (None: no link)."""
    clauses: list[ColumnElement[bool]] = []
    if table.name in ("users", "children", "wallets"):
        clauses.append(table.c.id.in_(family.ids(table.name)))
    for column in table.columns:
        target = owner_target(column)
        if target is not None and not column.primary_key:
            clauses.append(column.in_(family.ids(target)))
    if table.name == LoginAttempt.__tablename__:
        clauses.append(table.c.username == family.parent.username)
    if table.name == OutboxMail.__tablename__:
        clauses.append(table.c.to_address == family.parent.email)
    return or_(*clauses) if clauses else None
