"""The background export's rules, directly: one export on its way per user, two builders racing
build and mail it once, only its user takes it, once."""

import asyncio
from datetime import timedelta
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
from services.gdpr import deferred
from services.gdpr.attempts import build_failed, retry_delay
from services.gdpr.deferred import build_pending, download_once, is_large, request_export
from services.gdpr.links import ExportClaim
from services.sql.uow import Transactions
from storage.local import LocalStorage
from tests.factories import Person, make_family, make_school
from tests.support.clock import FakeClock


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


def test_failed_builds_wait_longer_each_time() -> None:
    waits = [retry_delay(60.0, attempt).total_seconds() for attempt in range(1, 6)]
    assert waits == [60, 120, 240, 480, 960]


async def test_a_builder_overtaken_after_the_claim_timeout_changes_nothing(
    tx: Transactions, tmp_path: Path, clock: FakeClock
) -> None:
    await build_pending(tx, LocalStorage(str(tmp_path / "earlier")))  # earlier tests' exports
    school = await make_school(tx)
    family = await make_family(tx, school)
    me = actor_of(family.parent)
    export_id = await tx.run(lambda uow: request_export(uow, me))
    slow = await tx.run(deferred._claim_next)
    assert slow is not None and (slow.export_id, slow.attempt) == (export_id, 1)
    clock.advance(deferred.CLAIM_TIMEOUT + timedelta(seconds=1))
    second = await tx.run(deferred._claim_next)
    assert second is not None and (second.export_id, second.attempt) == (export_id, 2)

    # The slow one fails at last: neither a retry nor giving up, the row is the second's.
    given_up = await tx.run(lambda uow: build_failed(uow, export_id, family.parent.id, 1))
    assert given_up is False
    row = await tx.read(lambda s: s.get(DataExport, export_id))
    assert row is not None and (row.status, row.attempts) == (ExportStatus.BUILDING, 2)

    storage = LocalStorage(str(tmp_path / "exports"))
    assert await deferred._build(tx, storage, second) is True
    # The slow one finishing after all publishes nothing and leaves no file behind.
    assert await deferred._build(tx, storage, slow) is False
    assert len(await storage.files()) == 1

    async def mails(session: AsyncSession) -> list[str]:
        rows = await session.scalars(
            select(col(OutboxMail.subject)).where(
                col(OutboxMail.to_address) == family.parent.user.email
            )
        )
        return list(rows.all())

    assert await tx.read(mails) == ["Vos données Cartable sont prêtes"]  # one link mailed
