"""Orders: what the parent ordered at what price, the order-until date in the school's time
zone, one order per idempotency key even when two requests race, cancellation."""

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models.photos import PhotoOrder, PhotoOrderStatus
from services.common.errors import DomainError, ErrorCode
from services.common.school_time import local_today, zone
from services.photos.orders import OrderLine, cancel_order, lines_of, order_photos, orders_of_child
from services.sql.uow import Transactions
from tests.factories import Family, actor_for, make_family, pk
from tests.services.photos.support import Campaign, make_campaign, photo_school
from tests.support.clock import FakeClock

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def restore_clock(clock: FakeClock) -> Iterator[None]:
    start = clock()
    yield
    clock.set(start)


async def _setup(tx: Transactions, clock: FakeClock) -> tuple[Family, Campaign]:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school)
    today = local_today(clock(), zone("Europe/Brussels"))
    return family, await make_campaign(tx, staff, until=today + timedelta(days=3))


def _order(
    tx: Transactions, family: Family, campaign: Campaign, lines: list[OrderLine], key: str
) -> "asyncio.Future[PhotoOrder]":
    return asyncio.ensure_future(
        tx.run(
            lambda uow: order_photos(
                uow,
                actor_for(family.parent),
                child_id=pk(family.child),
                campaign_id=campaign.id,
                lines=lines,
                idempotency_key=key,
            )
        )
    )


async def test_an_order_keeps_its_lines_prices_and_total(
    tx: Transactions, clock: FakeClock
) -> None:
    family, campaign = await _setup(tx, clock)
    portrait, group = campaign.articles
    order = await _order(
        tx, family, campaign, [OrderLine(pk(group), 1), OrderLine(pk(portrait), 2)], "k1"
    )
    assert order.status == PhotoOrderStatus.ACTIVE
    assert order.total_cents == 2 * 8_00 + 6_50
    lines = await tx.read(lambda s: lines_of(s, [pk(order)]))
    # In the campaign's order of articles, whatever the order they were sent in.
    assert [(x.label, x.quantity, x.unit_price_cents) for x in lines] == [
        ("Portrait 13x18", 2, 8_00),
        ("Photo de classe", 1, 6_50),
    ]
    # Several orders per child; the same key again is the same order.
    second = await _order(tx, family, campaign, [OrderLine(pk(group), 3)], "k2")
    again = await _order(tx, family, campaign, [OrderLine(pk(group), 3)], "k2")
    assert pk(again) == pk(second) != pk(order)
    orders = await tx.read(lambda s: orders_of_child(s, actor_for(family.parent), pk(family.child)))
    assert [pk(o) for o in orders] == [pk(second), pk(order)]
    with pytest.raises(DomainError) as refused:
        await _order(tx, family, campaign, [OrderLine(pk(group), 4)], "k2")
    assert refused.value.code == ErrorCode.IDEMPOTENCY_CONFLICT


async def test_two_racing_requests_with_one_key_make_one_order(
    tx: Transactions, clock: FakeClock
) -> None:
    family, campaign = await _setup(tx, clock)
    lines = [OrderLine(pk(campaign.articles[0]), 1)]
    orders = await asyncio.gather(*(_order(tx, family, campaign, lines, "race") for _ in range(6)))
    assert len({pk(o) for o in orders}) == 1
    count = await tx.read(
        lambda s: s.scalar(
            select(func.count())
            .select_from(PhotoOrder)
            .where(
                PhotoOrder.child_id == pk(family.child)  # type: ignore[arg-type]
            )
        )
    )
    assert count == 1


@pytest.mark.usefixtures("restore_clock")
async def test_orders_close_after_the_last_day_in_the_schools_time_zone(
    tx: Transactions, clock: FakeClock
) -> None:
    family, campaign = await _setup(tx, clock)
    last_day = campaign.campaign.order_until
    lines = [OrderLine(pk(campaign.articles[0]), 1)]
    # 23:59:59 in Brussels on the last day is 22:59:59 UTC in winter: still open.
    clock.set(datetime.combine(last_day, datetime.max.time(), BRUSSELS).replace(microsecond=0))
    assert (await _order(tx, family, campaign, lines, "late")).total_cents == 8_00
    clock.advance(seconds=1)
    with pytest.raises(DomainError) as refused:
        await _order(tx, family, campaign, lines, "too-late")
    assert refused.value.code == ErrorCode.ORDER_CLOSED


async def test_bad_lines_are_refused_and_nothing_is_written(
    tx: Transactions, clock: FakeClock
) -> None:
    family, campaign = await _setup(tx, clock)
    _, elsewhere = await _setup(tx, clock)
    article = pk(campaign.articles[0])

    async def refused(lines: list[OrderLine], who: Family = family) -> ErrorCode:
        with pytest.raises(DomainError) as error:
            await _order(tx, who, campaign, lines, f"bad-{len(lines)}-{who.parent.id}")
        return error.value.code

    assert await refused([]) == ErrorCode.INVALID_INPUT
    assert await refused([OrderLine(article, 0)]) == ErrorCode.INVALID_INPUT
    assert await refused([OrderLine(article, -1)]) == ErrorCode.INVALID_INPUT
    assert await refused([OrderLine(article, 51)]) == ErrorCode.INVALID_INPUT
    # Another campaign's article, and another family's child.
    assert await refused([OrderLine(pk(elsewhere.articles[0]), 1)]) == ErrorCode.NOT_FOUND
    stranger = await make_family(tx, (await photo_school(tx))[0])
    stranger.children = family.children
    assert await refused([OrderLine(article, 1)], stranger) == ErrorCode.NOT_FOUND
    orders = await tx.read(lambda s: orders_of_child(s, actor_for(family.parent), pk(family.child)))
    assert orders == []


async def test_cancel_once_and_only_ones_own(tx: Transactions, clock: FakeClock) -> None:
    family, campaign = await _setup(tx, clock)
    stranger = await make_family(tx, (await photo_school(tx))[0])
    order = await _order(tx, family, campaign, [OrderLine(pk(campaign.articles[1]), 2)], "c")
    with pytest.raises(DomainError) as refused:
        await tx.run(lambda uow: cancel_order(uow, actor_for(stranger.parent), pk(order)))
    assert refused.value.code == ErrorCode.NOT_FOUND
    results = await asyncio.gather(
        *(
            tx.run(lambda uow: cancel_order(uow, actor_for(family.parent), pk(order)))
            for _ in range(3)
        ),
        return_exceptions=True,
    )
    cancelled = [r for r in results if isinstance(r, PhotoOrder)]
    assert len(cancelled) == 1 and cancelled[0].status == PhotoOrderStatus.CANCELLED
    assert {r.code for r in results if isinstance(r, DomainError)} == {ErrorCode.ALREADY_CANCELLED}
