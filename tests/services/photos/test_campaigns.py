"""Campaigns: staff open them for classes or the school, parents see those meant for their
child, proofs reach only that child's guardians, the switch off refuses everything."""

from datetime import timedelta

import pytest

from models.documents import DocumentKind
from services.common.errors import DomainError, ErrorCode
from services.common.school_time import local_today, zone
from services.documents.access import document_for
from services.photos.campaigns import (
    NewArticle,
    add_proof,
    open_campaign,
    open_campaigns_for_child,
    proofs_of,
)
from services.sql.runtime import Runtime
from services.sql.uow import Transactions
from tests.factories import actor_for, make_family, make_user, pk, set_class
from tests.services.photos.support import make_campaign, photo_school
from tests.support.clock import FakeClock
from tests.support.files import png_bytes


async def test_parents_see_the_campaigns_for_their_childs_class_until_the_last_day(
    tx: Transactions, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school, children=2)
    first, second = family.children
    await set_class(tx, second, "3B")
    today = local_today(clock(), zone("Europe/Brussels"))
    whole = await make_campaign(tx, staff, until=today + timedelta(days=10), title="École")
    only_3b = await make_campaign(tx, staff, until=today, class_names=("3B",), title="3B")
    clock.advance(days=-2)  # opened earlier, closed yesterday
    await make_campaign(tx, staff, until=today - timedelta(days=1), title="Passée")
    clock.advance(days=2)
    parent = actor_for(family.parent)

    async def titles(child_id: int) -> list[str]:
        found = await tx.read(lambda s: open_campaigns_for_child(s, parent, child_id, clock()))
        return [c.title for c in found]

    assert await titles(pk(first)) == ["École"]
    # Closing soonest first; the one closing today is still open today.
    assert await titles(pk(second)) == ["3B", "École"]
    assert [a.name for a in whole.articles] == ["Portrait 13x18", "Photo de classe"]
    assert [a.price_cents for a in only_3b.articles] == [8_00, 6_50]


async def test_another_familys_child_is_not_found(tx: Transactions, clock: FakeClock) -> None:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school)
    stranger = await make_family(tx, school)
    await make_campaign(tx, staff, until=local_today(clock(), zone("Europe/Brussels")))
    with pytest.raises(DomainError) as refused:
        await tx.read(
            lambda s: open_campaigns_for_child(
                s, actor_for(stranger.parent), pk(family.child), clock()
            )
        )
    assert refused.value.code == ErrorCode.NOT_FOUND


async def test_only_staff_open_campaigns_and_input_is_checked(
    tx: Transactions, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school)
    today = local_today(clock(), zone("Europe/Brussels"))

    async def attempt(actor: object, **changes: object) -> ErrorCode:
        values: dict[str, object] = {
            "title": "Photos",
            "order_until": today,
            "articles": [NewArticle("Portrait", 5_00)],
        }
        values.update(changes)
        with pytest.raises(DomainError) as refused:
            await tx.run(lambda uow: open_campaign(uow, actor, **values))  # type: ignore[arg-type]
        return refused.value.code

    assert await attempt(actor_for(family.parent)) == ErrorCode.FORBIDDEN
    assert await attempt(actor_for(staff), articles=[]) == ErrorCode.INVALID_INPUT
    assert await attempt(actor_for(staff), title="  ") == ErrorCode.INVALID_INPUT
    yesterday = today - timedelta(days=1)
    assert await attempt(actor_for(staff), order_until=yesterday) == ErrorCode.INVALID_INPUT
    free = [NewArticle("Gratuit", 0)]
    assert await attempt(actor_for(staff), articles=free) == ErrorCode.INVALID_AMOUNT


async def test_switch_off_refuses_campaigns(tx: Transactions, clock: FakeClock) -> None:
    school, staff = await photo_school(tx, feature_photos=False)
    family = await make_family(tx, school)
    with pytest.raises(DomainError) as refused:
        await make_campaign(tx, staff, until=local_today(clock(), zone("Europe/Brussels")))
    assert refused.value.code == ErrorCode.FEATURE_DISABLED
    with pytest.raises(DomainError) as refused:
        await tx.read(
            lambda s: open_campaigns_for_child(
                s, actor_for(family.parent), pk(family.child), clock()
            )
        )
    assert refused.value.code == ErrorCode.FEATURE_DISABLED


async def test_a_proof_reaches_only_its_childs_guardians(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx)
    family = await make_family(tx, school)
    classmate = await make_family(tx, school)
    campaign = await make_campaign(tx, staff, until=local_today(clock(), zone("Europe/Brussels")))
    proof = await add_proof(
        tx,
        runtime.storage,
        actor_for(staff),
        campaign_id=campaign.id,
        child_id=pk(family.child),
        data=png_bytes(),
        file_name="emma.png",
        content_type="image/png",
    )
    assert proof.kind == DocumentKind.PHOTO_PROOF
    parent, other = actor_for(family.parent), actor_for(classmate.parent)
    seen = await tx.read(lambda s: proofs_of(s, parent, pk(family.child), campaign.id))
    assert [(pk(v.document), v.read) for v in seen] == [(pk(proof), False)]
    assert (await tx.read(lambda s: document_for(s, parent, pk(proof)))).document.id == pk(proof)
    # The classmate's parents see no proof of theirs, and this one is NOT_FOUND to them.
    assert await tx.read(lambda s: proofs_of(s, other, pk(classmate.child), campaign.id)) == []
    with pytest.raises(DomainError) as refused:
        await tx.read(lambda s: document_for(s, other, pk(proof)))
    assert refused.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as refused:
        await tx.read(lambda s: proofs_of(s, other, pk(family.child), campaign.id))
    assert refused.value.code == ErrorCode.NOT_FOUND


async def test_proofs_are_added_by_staff_for_children_the_campaign_is_for(
    tx: Transactions, runtime: Runtime, clock: FakeClock
) -> None:
    school, staff = await photo_school(tx)
    other_school, other_staff = await photo_school(tx)
    family = await make_family(tx, school)
    await set_class(tx, family.child, "2A")
    teacher_like = await make_user(tx, school)
    today = local_today(clock(), zone("Europe/Brussels"))
    campaign = await make_campaign(tx, staff, until=today, class_names=("1A",))

    async def attempt(actor: object, child_id: int, campaign_id: int = campaign.id) -> ErrorCode:
        with pytest.raises(DomainError) as refused:
            await add_proof(
                tx,
                runtime.storage,
                actor,  # type: ignore[arg-type]
                campaign_id=campaign_id,
                child_id=child_id,
                data=png_bytes(),
                file_name="p.png",
                content_type="image/png",
            )
        return refused.value.code

    assert await attempt(actor_for(teacher_like), pk(family.child)) == ErrorCode.FORBIDDEN
    # A child of class 2A is not in a 1A campaign; another school's staff cannot reach it.
    assert await attempt(actor_for(staff), pk(family.child)) == ErrorCode.NOT_FOUND
    assert await attempt(actor_for(other_staff), pk(family.child)) == ErrorCode.NOT_FOUND
    assert other_school.id != school.id
