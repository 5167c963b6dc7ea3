"""A leaver at the services: read-only to its guardians (CHILD_LEFT), its open invoices still
payable, staff still acting for it; leaving refunds its later meals once and frees its
appointments to come."""

from collections.abc import Awaitable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from models.family import Child
from models.meals import MealReservation
from models.meetings import Appointment, AppointmentStatus
from services.banking.announcements import announce_transfer
from services.billing.issuing import issue_invoice
from services.billing.views import LineInput
from services.billing.wallet_payment import pay_invoice_from_wallet
from services.common.errors import DomainError, ErrorCode
from services.family.children import child_to_act_for, require_present
from services.meals import reservations
from services.meetings import booking
from services.photos.orders import OrderLine, cancel_order, order_photos
from services.school.leaving import mark_leaver
from services.school.roster import import_roster
from services.sql.uow import Transactions
from services.wallets import wallets
from tests.factories import (
    actor_for,
    fund,
    make_family,
    make_meal_menu,
    make_meeting,
    make_reservation,
    pk,
    unique,
    wallets_of,
)
from tests.services.photos.support import make_campaign, photo_school
from tests.support.clock import FakeClock

MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Brussels
TUESDAY_MORNING = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the leaving day, 10:00 in Brussels
TUESDAY, WEDNESDAY, THURSDAY = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)


@pytest.fixture(autouse=True)
def monday(clock: FakeClock) -> None:
    clock.set(MONDAY_MORNING)


async def outcome(awaitable: Awaitable[object]) -> str:
    try:
        await awaitable
    except DomainError as error:
        return error.code.value
    return "OK"


async def balances(tx: Transactions, child: Child) -> list[int]:
    return [w.balance_cents for w in await wallets_of(tx, child)]


async def test_a_leaver_is_read_only_to_its_guardians(tx: Transactions, clock: FakeClock) -> None:
    school, staff_person = await photo_school(tx, feature_pay_invoice_from_wallet=True)
    staff = actor_for(staff_person)
    family = await make_family(tx, school, children=2)
    leaver, sibling = family.children
    parent = actor_for(family.parent)
    meals, activities = await wallets_of(tx, leaver)
    await fund(tx, meals.id, 5_000)
    sibling_meals, _ = await wallets_of(tx, sibling)
    await fund(tx, sibling_meals.id, 1_000)
    [hot] = await make_meal_menu(tx, school, [TUESDAY, WEDNESDAY, THURSDAY])
    meeting = await make_meeting(tx, school)
    campaign = await make_campaign(tx, staff_person, until=THURSDAY)
    lines = [OrderLine(pk(campaign.articles[0]), 1)]

    def reserve(child: Child, day: date) -> Awaitable[reservations.ReservationView]:
        return tx.run(
            lambda uow: reservations.reserve(
                uow,
                parent,
                child_id=pk(child),
                day=day,
                article_id=pk(hot),
                idempotency_key=unique("meal-"),
            )
        )

    today_meal = await reserve(leaver, TUESDAY)
    order = await tx.run(
        lambda uow: order_photos(
            uow,
            parent,
            child_id=pk(leaver),
            campaign_id=campaign.id,
            lines=lines,
            idempotency_key="photos",
        )
    )
    booked = await tx.run(lambda uow: booking.book(uow, parent, pk(leaver), meeting.slot(0, 0).id))
    invoice = await tx.run(
        lambda uow: issue_invoice(
            uow, staff, pk(leaver), "Piscine", [LineInput("Entrée", 2, 250)], MONDAY, FRIDAY
        )
    )
    clock.set(TUESDAY_MORNING)
    await tx.run(lambda uow: mark_leaver(uow, staff, pk(leaver)))
    parent = actor_for(family.parent)

    def run(work: Any) -> Awaitable[object]:
        return tx.run(work)

    refused = {
        "reserveMeal": await outcome(reserve(leaver, THURSDAY)),
        "cancelMealReservation": await outcome(
            run(lambda uow: reservations.cancel(uow, parent, today_meal.id))
        ),
        "bookAppointment": await outcome(
            run(lambda uow: booking.book(uow, parent, pk(leaver), meeting.slot(0, 1).id))
        ),
        "moveAppointment": await outcome(
            run(lambda uow: booking.move(uow, parent, booked.id, meeting.slot(0, 2).id))
        ),
        "cancelAppointment": await outcome(run(lambda uow: booking.cancel(uow, parent, booked.id))),
        "orderPhotos": await outcome(
            run(
                lambda uow: order_photos(
                    uow,
                    parent,
                    child_id=pk(leaver),
                    campaign_id=campaign.id,
                    lines=lines,
                    idempotency_key="again",
                )
            )
        ),
        "cancelPhotoOrder": await outcome(run(lambda uow: cancel_order(uow, parent, pk(order)))),
        "announceBankTransfer": await outcome(
            run(
                lambda uow: announce_transfer(
                    uow, parent, wallet_id=meals.id, amount_cents=2_000, idempotency_key="a"
                )
            )
        ),
        "transferBetweenWallets": await outcome(
            run(
                lambda uow: wallets.transfer(
                    uow,
                    parent,
                    from_wallet_id=meals.id,
                    to_wallet_id=activities.id,
                    amount_cents=100,
                    idempotency_key="t",
                )
            )
        ),
        "transferIntoTheLeaver": await outcome(
            run(
                lambda uow: wallets.transfer(
                    uow,
                    parent,
                    from_wallet_id=activities.id,
                    to_wallet_id=meals.id,
                    amount_cents=100,
                    idempotency_key="t2",
                )
            )
        ),
    }
    assert refused == dict.fromkeys(refused, "CHILD_LEFT")
    # Nothing moved: the meals of Wednesday and Thursday were never booked for the leaver,
    # Tuesday's stays (its day has come), the photo order is still there.
    assert await balances(tx, leaver) == [5_000 - 420, 0]

    # Money owed to the school: the leaver's invoice is still paid from its wallet.
    paid = await tx.run(
        lambda uow: pay_invoice_from_wallet(
            uow, parent, invoice_id=invoice.id, wallet_id=meals.id, idempotency_key="pay"
        )
    )
    assert paid.applied_cents == 500
    assert await balances(tx, leaver) == [5_000 - 420 - 500, 0]
    # Staff still act for it; the sibling who stays is untouched.
    cancelled = await tx.run(lambda uow: reservations.cancel(uow, staff, today_meal.id))
    assert cancelled.status == "CANCELLED"
    assert await balances(tx, leaver) == [5_000 - 500, 0]
    assert (await reserve(sibling, THURSDAY)).status == "ACTIVE"
    assert await balances(tx, sibling) == [1_000 - 420, 0]


async def test_the_shared_check(tx: Transactions) -> None:
    school, staff_person = await photo_school(tx)
    family = await make_family(tx, school)
    staff, parent = actor_for(staff_person), actor_for(family.parent)
    await tx.run(lambda uow: mark_leaver(uow, staff, pk(family.child)))
    with pytest.raises(DomainError) as error:
        await tx.read(lambda session: child_to_act_for(session, parent, pk(family.child)))
    assert (error.value.code, error.value.field) == (ErrorCode.CHILD_LEFT, "childId")
    found = await tx.read(lambda session: child_to_act_for(session, staff, pk(family.child)))
    assert found.id == family.child.id
    require_present(parent, None)  # a child still at school


async def test_leaving_refunds_later_meals_once_and_frees_appointments(
    tx: Transactions, clock: FakeClock
) -> None:
    school, staff_person = await photo_school(tx)
    staff = actor_for(staff_person)
    family, other = await make_family(tx, school), await make_family(tx, school)
    parent = actor_for(family.parent)
    meals, _ = await wallets_of(tx, family.child)
    await fund(tx, meals.id, 2_000)
    [hot] = await make_meal_menu(tx, school, [TUESDAY, WEDNESDAY, THURSDAY])
    for day in (TUESDAY, WEDNESDAY, THURSDAY, THURSDAY):
        await make_reservation(tx, family.parent, family.child, day, hot)
    assert await balances(tx, family.child) == [2_000 - 4 * 420, 0]
    meeting = await make_meeting(tx, school)
    slot = meeting.slot(0, 0)
    booked = await tx.run(lambda uow: booking.book(uow, parent, pk(family.child), slot.id))

    clock.set(TUESDAY_MORNING)
    await tx.run(lambda uow: mark_leaver(uow, staff, pk(family.child)))
    # Wednesday's and both Thursday's meals come back; Tuesday's, today, stays.
    assert await balances(tx, family.child) == [2_000 - 420, 0]
    assert await reservation_days(tx, pk(family.child)) == [(TUESDAY, "ACTIVE")] + [
        (d, "CANCELLED") for d in (WEDNESDAY, THURSDAY, THURSDAY)
    ]
    await tx.run(lambda uow: mark_leaver(uow, staff, pk(family.child)))
    assert await balances(tx, family.child) == [2_000 - 420, 0]  # marking twice refunds once
    status = await tx.read(lambda s: s.scalar(appointment_status(booked.id)))
    assert status == AppointmentStatus.CANCELLED
    # The slot is free again: another family takes it.
    taken = await tx.run(
        lambda uow: booking.book(uow, actor_for(other.parent), pk(other.child), slot.id)
    )
    assert taken.id != booked.id


async def test_a_full_roster_refunds_the_leavers_meals(tx: Transactions, clock: FakeClock) -> None:
    school, staff_person = await photo_school(tx)
    staff = actor_for(staff_person)
    header = "student_id,first_name,last_name,class,guardian1_name,guardian1_email,guardian2_name,guardian2_email\n"
    both = (header + "A1,Ana,Peeters,1A,,,,\nB2,Bo,Peeters,1A,,,,\n").encode()
    await import_roster(tx, staff, both)
    bo = await tx.read(
        lambda s: s.scalar(
            select(Child).where(col(Child.external_id) == "B2", col(Child.school_id) == pk(school))
        )
    )
    assert bo is not None
    meals, _ = await wallets_of(tx, bo)
    await fund(tx, meals.id, 1_000)
    [hot] = await make_meal_menu(tx, school, [TUESDAY, WEDNESDAY])
    for day in (TUESDAY, WEDNESDAY):
        await make_reservation(tx, staff_person, bo, day, hot)
    clock.set(TUESDAY_MORNING)
    only_ana = (header + "A1,Ana,Peeters,1A,,,,\n").encode()
    planned = await import_roster(tx, staff, only_ana, full=True, dry_run=True)
    assert planned.left == 1
    assert await balances(tx, bo) == [1_000 - 840, 0]  # a dry run refunds nothing
    assert (await import_roster(tx, staff, only_ana, full=True)).left == 1
    assert await balances(tx, bo) == [1_000 - 420, 0]
    assert (await import_roster(tx, staff, only_ana, full=True)).left == 0
    assert await balances(tx, bo) == [1_000 - 420, 0]


MONDAY, FRIDAY = date(2026, 11, 30), date(2026, 12, 31)


def appointment_status(appointment_id: int) -> Any:
    return select(col(Appointment.status)).where(col(Appointment.id) == appointment_id)


async def reservation_days(tx: Transactions, child_id: int) -> list[tuple[date, str]]:
    async def read(session: Any) -> list[tuple[date, str]]:
        rows = await session.execute(
            select(col(MealReservation.day), col(MealReservation.status))
            .where(col(MealReservation.child_id) == child_id)
            .order_by(col(MealReservation.day), col(MealReservation.id))
        )
        return [(d, str(s)) for d, s in rows]

    return await tx.read(read)
