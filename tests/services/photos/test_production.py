"""The photographer's list: per child and article, active orders only, staff of the school
only, a CSV that spreadsheets open with its accents."""

import csv
import io
from datetime import timedelta

import pytest

from services.common.errors import DomainError, ErrorCode
from services.common.school_time import local_today, zone
from services.photos.orders import OrderLine, cancel_order, order_photos
from services.photos.production import (
    ProductionRow,
    campaign_reports,
    production_list,
    to_csv,
)
from services.sql.uow import Transactions
from tests.factories import Family, actor_for, make_child, make_family, pk, set_class
from tests.services.photos.support import Campaign, make_campaign, photo_school
from tests.support.clock import FakeClock


async def _order(
    tx: Transactions, family: Family, child_index: int, campaign: Campaign, lines: list[OrderLine]
) -> int:
    order = await tx.run(
        lambda uow: order_photos(
            uow,
            actor_for(family.parent),
            child_id=pk(family.children[child_index]),
            campaign_id=campaign.id,
            lines=lines,
            idempotency_key=f"p-{len(lines)}-{lines[0].quantity}-{child_index}-{family.parent.id}",
        )
    )
    return pk(order)


async def test_production_list_adds_up_active_orders_per_child_and_article(
    tx: Transactions, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school)
    zoe = await make_child(tx, school, family.parent, first_name="Zoé")
    family.children.append(zoe)
    await set_class(tx, zoe, "2B")
    today = local_today(clock(), zone("Europe/Brussels"))
    campaign = await make_campaign(tx, staff, until=today + timedelta(days=2))
    other = await make_campaign(tx, staff, until=today + timedelta(days=2), title="Autre")
    portrait, group = (pk(a) for a in campaign.articles)
    await _order(tx, family, 0, campaign, [OrderLine(group, 1), OrderLine(portrait, 2)])
    await _order(tx, family, 0, campaign, [OrderLine(portrait, 1)])
    await _order(tx, family, 1, campaign, [OrderLine(group, 3)])
    dropped = await _order(tx, family, 1, campaign, [OrderLine(portrait, 5)])
    await tx.run(lambda uow: cancel_order(uow, actor_for(family.parent), dropped))
    await _order(tx, family, 1, other, [OrderLine(pk(other.articles[0]), 4)])

    title, rows = await tx.read(lambda s: production_list(s, actor_for(staff), campaign.id))
    first = family.children[0]
    assert title == "Photos de classe"
    assert rows == [
        ProductionRow(f"Test {first.first_name}", "1A", "Portrait 13x18", 3),
        ProductionRow(f"Test {first.first_name}", "1A", "Photo de classe", 1),
        ProductionRow("Test Zoé", "2B", "Photo de classe", 3),
    ]
    data = to_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == ["child", "class", "article", "quantity"]
    assert parsed[-1] == ["Test Zoé", "2B", "Photo de classe", "3"]


async def test_only_the_schools_staff_get_the_list(tx: Transactions, clock: FakeClock) -> None:
    school, staff = await photo_school(tx)
    _, other_staff = await photo_school(tx)
    family = await make_family(tx, school)
    campaign = await make_campaign(tx, staff, until=local_today(clock(), zone("Europe/Brussels")))
    for actor, code in (
        (actor_for(family.parent), ErrorCode.FORBIDDEN),
        (actor_for(other_staff), ErrorCode.NOT_FOUND),
    ):
        with pytest.raises(DomainError) as refused:
            await tx.read(lambda s, a=actor: production_list(s, a, campaign.id))  # type: ignore[misc]
        assert refused.value.code == code


async def test_staff_see_each_campaign_with_its_active_orders(
    tx: Transactions, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school)
    today = local_today(clock(), zone("Europe/Brussels"))
    soon = await make_campaign(tx, staff, until=today + timedelta(days=1), title="Bientôt")
    later = await make_campaign(tx, staff, until=today + timedelta(days=9), title="Plus tard")
    portrait = pk(soon.articles[0])
    await _order(tx, family, 0, soon, [OrderLine(portrait, 2)])
    dropped = await _order(tx, family, 0, soon, [OrderLine(portrait, 3)])
    await tx.run(lambda uow: cancel_order(uow, actor_for(family.parent), dropped))

    reports = await tx.read(lambda s: campaign_reports(s, actor_for(staff)))
    assert [(r.campaign.title, r.orders, r.total_cents) for r in reports] == [
        ("Plus tard", 0, 0),
        ("Bientôt", 1, 16_00),
    ]
    assert [a.name for a in reports[0].articles] == [a.name for a in later.articles]
    with pytest.raises(DomainError) as refused:
        await tx.read(lambda s: campaign_reports(s, actor_for(family.parent)))
    assert refused.value.code == ErrorCode.FORBIDDEN
