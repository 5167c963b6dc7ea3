"""Announced transfers: the oldest matching one settled by a statement, the rest kept; dropped
with a mail in the parent's language when nothing arrived within ten days."""

import pytest

from services.banking import announcements
from services.banking.importing import ImportResult
from services.common.errors import DomainError, ErrorCode
from services.demo.statement_files import Movement, coda_file, statement
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import actor_for
from tests.services.banking.helpers import Setting, digits, import_file, setting
from tests.support.clock import FakeClock
from tests.support.mail import mails_to, text_of


async def announce(tx: Transactions, s: Setting, cents: int, key: str, family: int = 0) -> None:
    await tx.run(
        lambda uow: announcements.announce_transfer(
            uow,
            actor_for(s.families[family].parent),
            wallet_id=s.wallets[family][0].id,
            amount_cents=cents,
            idempotency_key=key,
        )
    )


async def pending(tx: Transactions, s: Setting, family: int = 0) -> list[int]:
    views = await tx.read(
        lambda session: announcements.pending_transfers(
            session, actor_for(s.families[family].parent), s.wallets[family][0].id
        )
    )
    return [view.amount_cents for view in views]


async def test_an_announcement_nothing_settles_is_dropped_after_ten_days_with_a_mail(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    s = await setting(tx, families=1, locales=("nl",))
    await announce(tx, s, 4000, "old")
    clock.advance(days=5)
    await announce(tx, s, 1200, "recent")

    clock.advance(days=5, minutes=1)
    dropped = await tx.run(announcements.drop_stale_announcements)

    assert dropped == 1
    assert await pending(tx, s) == [1200]
    [mail] = await mails_to(runtime, s.families[0].parent.user.email)
    assert "nog niet" in text_of(mail) and "40,00" in text_of(mail)
    assert s.wallets[0][0].structured_communication in text_of(mail)
    assert await tx.run(announcements.drop_stale_announcements) == 0


async def test_a_statement_settles_the_oldest_matching_announcement_only(
    tx: Transactions,
) -> None:
    s = await setting(tx, families=1)
    for key, cents in (("x1", 2000), ("x2", 2000), ("x3", 500)):
        await announce(tx, s, cents, key)
    data = coda_file(
        statement(Movement(2000, "S1", communication=digits(s.wallets[0][0])), number=60)
    )
    result = await import_file(tx, s.staff, data)
    assert isinstance(result, ImportResult) and result.credited == 1
    assert await pending(tx, s) == [2000, 500]


async def test_another_familys_wallet_cannot_be_announced(tx: Transactions) -> None:
    s = await setting(tx, families=2)
    with pytest.raises(DomainError) as refused:
        await tx.run(
            lambda uow: announcements.announce_transfer(
                uow,
                actor_for(s.families[1].parent),
                wallet_id=s.wallets[0][0].id,
                amount_cents=100,
                idempotency_key="k",
            )
        )
    assert refused.value.code is ErrorCode.NOT_FOUND
    assert await pending(tx, s) == []
