"""GDPR on the demo school: demo.other's family exports everything, then is erased; no text
or JSON column of any table still holds its names, usernames or e-mails."""

import json
from typing import Any

import pytest
from sqlalchemy import JSON, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from models.accounts import Role, User
from models.db import Database
from services.accounts.actor import Actor
from services.billing.reminders import send_invoice_reminders
from services.common.errors import DomainError, ErrorCode
from services.demo.seed import seed_if_empty
from services.gdpr.erase import erase_family
from services.gdpr.export import export_family
from services.gdpr.walk import owner_target
from services.sql.runtime import Runtime
from services.sql.uow import Transactions, UnitOfWork
from settings import Settings
from tests.support.ledger import assert_ledger_balanced


@pytest.fixture(scope="module")
async def seeded(settings: Settings, db: Database) -> Settings:
    demo = settings.model_copy(update={"demo_families": 3})
    assert await seed_if_empty(demo) is True
    return demo


async def user(tx: Transactions, username: str) -> User:
    async def read(session: AsyncSession) -> User:
        return (await session.scalars(select(User).where(col(User.username) == username))).one()

    return await tx.read(read)


def actor(u: User) -> Actor:
    return Actor(int(u.id or 0), u.school_id, Role(u.role), u.locale)


async def export(tx: Transactions, parent: User) -> dict[str, Any]:
    return await tx.read(lambda s: export_family(s, parent))


async def every_text(tx: Transactions) -> list[tuple[str, str, str]]:
    """(table, column, text) for every text and JSON value in the database."""

    async def read(session: AsyncSession) -> list[tuple[str, str, str]]:
        found = []
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JSON):
                    continue
                for value in (await session.scalars(select(column))).all():
                    if value is not None:
                        text = (
                            value
                            if isinstance(value, str)
                            else json.dumps(value, ensure_ascii=False)
                        )
                        found.append((table.name, column.name, text))
        return found

    return await tx.read(read)


DELIVERY_STATE = (
    "attempts",
    "next_attempt_at",
    "claimed_until",
    "sent_at",
    "failed_at",
    "last_error",
)


def _undelivered(data: dict[str, Any]) -> dict[str, Any]:
    """An export as it was before any of its mails was delivered."""
    outbox = [
        {k: v for k, v in row.items() if k not in DELIVERY_STATE}
        for row in data["tables"]["mail_outbox"]
    ]
    return {**data, "tables": {**data["tables"], "mail_outbox": outbox}}


async def test_export_then_erase_the_other_family(
    seeded: Settings, tx: Transactions, runtime: Runtime
) -> None:
    staff = await user(tx, "demo.staff")
    other = await user(tx, "demo.other")
    neighbour = await user(tx, "demo.parent")

    data = await export(tx, other)
    tables = data["tables"]
    # Every table holding an owner column (user/parent/child/wallet) is in the export.
    for table in SQLModel.metadata.sorted_tables:
        if any(owner_target(c) for c in table.columns if not c.primary_key):
            assert table.name in tables, table.name
    assert [u["username"] for u in tables["users"]] == ["demo.other"]
    assert "password_hash" not in tables["users"][0]
    assert [c["first_name"] for c in tables["children"]] == ["Léa"]
    assert [w["slot"] for w in tables["wallets"]] == [1, 2]
    assert tables["ledger_postings"], "the wallet's operations"
    assert all(s["user_id"] == other.id for s in tables["sessions"])
    names = {n for c in tables["children"] for n in (c["first_name"], c["last_name"])}
    personal = {other.username, other.email, other.display_name, *names}
    # The app's periodic loop queues the demo's overdue reminders at some moment: queued here
    # first (never twice), the neighbour's data cannot change under the comparison below.
    await send_invoice_reminders(tx)
    neighbour_before = await export(tx, neighbour)
    assert any(p in text for _, _, text in await every_text(tx) for p in personal)

    other_school_staff = Actor(int(staff.id or 0), staff.school_id + 1000, Role.STAFF, "fr")
    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: erase_family(uow, other_school_staff, int(other.id or 0)))
    assert refused.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: erase_family(uow, actor(neighbour), int(other.id or 0)))
    assert refused.value.code == ErrorCode.FORBIDDEN

    async def erase(uow: UnitOfWork) -> Any:
        return await erase_family(uow, actor(staff), int(other.id or 0))

    erasure = await tx.run(erase)
    for key in erasure.storage_keys:
        await runtime.storage.delete(key)
        assert not await runtime.storage.exists(key)

    leftovers = [
        (table, column, p)
        for table, column, text in await every_text(tx)
        for p in personal
        if p in text
    ]
    assert leftovers == []
    await assert_ledger_balanced(tx)
    # The mail worker may deliver the neighbour's mails meanwhile: only its delivery state moves.
    assert _undelivered(await export(tx, neighbour)) == _undelivered(neighbour_before)
    erased = (await export(tx, await user(tx, f"erased-{other.id}")))["tables"]
    # Money records are kept: the same postings, amounts and wallet, without the names.
    assert len(erased["wallets"]) == 2
    assert [p["amount_cents"] for p in erased["ledger_postings"]] == [
        p["amount_cents"] for p in tables["ledger_postings"]
    ]
    assert all(s["revoked_at"] is not None for s in erased["sessions"])
