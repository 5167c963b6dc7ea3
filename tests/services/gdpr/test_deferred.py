"""The background export's rules, directly: one export on its way per user, two builders racing
build and mail it once, only its user takes it, once."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role
from models.gdpr import DataExport, ExportStatus
from models.mail import OutboxMail
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.gdpr.deferred import build_pending, download_once, is_large, request_export
from services.gdpr.links import ExportClaim
from services.sql.uow import Transactions
from storage.local import LocalStorage
from tests.factories import Person, make_family, make_school


def actor_of(person: Person) -> Actor:
    return Actor(person.id, person.user.school_id, Role.PARENT, "fr")


async def test_two_builders_mail_one_export_that_only_its_parent_takes_once(
    tx: Transactions, tmp_path: Path
) -> None:
    school = await make_school(tx)
    family = await make_family(tx, school, children=2)
    other = await make_family(tx, school)
    me = actor_of(family.parent)
    assert await tx.read(lambda s: is_large(s, me, 3)) is True
    assert await tx.read(lambda s: is_large(s, me, 100_000)) is False

    first = await tx.run(lambda uow: request_export(uow, me))
    assert await tx.run(lambda uow: request_export(uow, me)) == first  # already on its way

    storage = LocalStorage(str(tmp_path))
    mailed = await asyncio.gather(build_pending(tx, storage), build_pending(tx, storage))
    assert sum(mailed) == 1

    async def state(session: AsyncSession) -> tuple[DataExport, int]:
        row = await session.get(DataExport, first)
        assert row is not None
        mails = await session.scalars(
            select(OutboxMail).where(col(OutboxMail.to_address) == family.parent.user.email)
        )
        return row, len(mails.all())

    row, mails = await tx.read(state)
    assert row.status == ExportStatus.READY and mails == 1
    assert row.expires_at is not None
    claim = ExportClaim(first, family.parent.id, int(row.expires_at.timestamp()))

    with pytest.raises(NotFound):
        await download_once(tx, storage, claim, actor_of(other.parent))
    # A link made for another user with this export's number does not take it either.
    forged = ExportClaim(first, other.parent.id, claim.expires)
    with pytest.raises(NotFound):
        await download_once(tx, storage, forged, actor_of(other.parent))
    taken = await download_once(tx, storage, claim, me)
    assert b'"tables"' in taken.data
    with pytest.raises(NotFound):
        await download_once(tx, storage, claim, me)
    assert await storage.files() == []
    # Once gone, a new request makes a new export.
    assert await tx.run(lambda uow: request_export(uow, me)) != first
