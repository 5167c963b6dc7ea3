"""The weekly summary as a parent who asked for it receives it: from Monday 07:00 school time,
once per week whatever the number of workers, with the week's money, meals and meetings."""

import asyncio
from datetime import UTC, datetime, timedelta

from models.accounts import Role
from services.dashboard import weekly_summary
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import (
    actor_for,
    fund,
    make_family,
    make_meal_menu,
    make_reservation,
    make_school,
    make_user,
    wallets_of,
)
from tests.support.clock import FakeClock
from tests.support.mail import mails_to, text_of


async def test_once_a_week_with_the_weeks_money_and_meals(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))  # a Friday
    school = await make_school(tx)
    family = await make_family(tx, school, locale="en")
    other = await make_family(tx, school)  # never asked for it
    staff = await make_user(tx, school, Role.STAFF)
    meals = (await wallets_of(tx, family.child))[0]
    await fund(tx, meals.id, 4_200)
    tuesday = datetime(2026, 12, 1).date()
    [article] = await make_meal_menu(tx, school, [tuesday])
    await make_reservation(tx, family.parent, family.child, tuesday, article)
    chosen = await tx.run(
        lambda uow: weekly_summary.set_weekly_summary(uow, actor_for(family.parent), True)
    )
    assert chosen is True
    assert not await tx.run(
        lambda uow: weekly_summary.set_weekly_summary(uow, actor_for(staff), True)
    )

    clock.set(datetime(2026, 11, 30, 5, 59, tzinfo=UTC))  # Monday 06:59 in Brussels
    assert await weekly_summary.send_weekly_summaries(tx) == 0
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # Monday 07:00 in Brussels
    # Three workers at once: one mail.
    sent = await asyncio.gather(*(weekly_summary.send_weekly_summaries(tx) for _ in range(3)))
    assert sum(sent) == 1
    [mail] = await mails_to(runtime, family.parent.user.email)
    assert mail["subject"].endswith("your summary of week 2026-W49")
    body = text_of(mail)
    assert "Repas: €37.80" in body  # 42.00 funded, 4.20 for Tuesday's meal
    assert "Meals booked this week:" in body and "Repas chaud" in body
    assert await mails_to(runtime, other.parent.user.email) == []

    clock.advance(days=3)
    assert await weekly_summary.send_weekly_summaries(tx) == 0  # same week
    clock.advance(timedelta(days=4))  # the next Monday
    assert await weekly_summary.send_weekly_summaries(tx) == 1
    await tx.run(
        lambda uow: weekly_summary.set_weekly_summary(uow, actor_for(family.parent), False)
    )
    clock.advance(days=7)
    assert await weekly_summary.send_weekly_summaries(tx) == 0
