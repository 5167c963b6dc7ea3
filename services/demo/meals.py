"""The demo school's meals: four articles on every school day of three months, and some
reservations of demo.parent's children, past ones and the next days' (through the real services).

Reservations are paid: a bank transfer of the same total comes first, so "Repas" still ends at
exactly €50.00.
"""

from datetime import date, timedelta

from models.accounts import Role, User
from models.meals import MealArticle
from services.accounts.actor import Actor
from services.common.school_time import is_weekday, local_today, month_days
from services.demo.school import DemoSchool
from services.meals import catalogue, reservations
from services.meals.rules import MealRule
from services.school import calendar
from services.sql.uow import UnitOfWork
from services.wallets import bank_transfers
from services.wallets.wallets import paying_wallet

ARTICLES = [
    ("Repas chaud", 420, ["gluten", "milk"]),
    ("Potage", 110, ["celery"]),
    ("Sandwich", 300, ["gluten"]),
    ("Repas végétarien", 420, ["eggs", "milk"]),
]


def winter_holidays(today: date) -> tuple[date, date]:
    """The school year's Christmas holidays (two weeks from the Monday of Christmas week)."""
    year = today.year if today.month >= 9 else today.year - 1
    christmas = date(year, 12, 25)
    first = christmas - timedelta(days=christmas.weekday())
    return first, first + timedelta(days=13)


def _school_day(day: date, holidays: tuple[date, date]) -> bool:
    return is_weekday(day) and not holidays[0] <= day <= holidays[1]


def _actor(user: User) -> Actor:
    assert user.id is not None
    return Actor(user.id, user.school_id, Role(user.role), user.locale)


def _at(uow: UnitOfWork, day: date) -> UnitOfWork:
    """The same transaction as seen a week before `day`: reservations were open then."""
    moment = uow.now - timedelta(days=(uow.now.date() - day).days + 7)
    return UnitOfWork(uow.session, uow.settings, moment, uow.outbox)


async def seed_meals(uow: UnitOfWork, demo: DemoSchool) -> None:
    staff = _actor(demo.staff)
    made: list[MealArticle] = []
    for name, price, allergens in ARTICLES:
        made.append(
            await catalogue.create_article(
                uow, staff, name=name, price_cents=price, allergens=allergens
            )
        )
    ids = [a.id for a in made if a.id is not None]
    soup_id = ids[1]
    rule = MealRule.of(demo.school.timezone, None)
    today = local_today(uow.now, rule.tz)
    this_month = today.replace(day=1)
    holidays = winter_holidays(today)
    for first in (this_month - timedelta(days=1), this_month, this_month + timedelta(days=32)):
        days = [d for d in month_days(first) if _school_day(d, holidays)]
        menu = {d: [soup_id] if d.weekday() == 2 else ids for d in days}
        await catalogue.set_month(uow, staff, first.replace(day=1), menu)

    lucas = demo.children[1]
    assert lucas.id is not None
    await catalogue.set_child_allergens(uow, staff, lucas.id, ["peanuts"])
    parent = _actor(demo.parent)
    school_days = [
        d for d in (today + timedelta(days=n) for n in range(-14, 8)) if _school_day(d, holidays)
    ]
    past = [d for d in school_days if d < today][-3:]
    coming = [d for d in school_days if d > today][:2]
    for child in demo.children:
        assert child.id is not None
        plan = [(d, ids[0] if d.weekday() != 2 else soup_id) for d in [*past, *coming]]
        total = sum(next(a.price_cents for a in made if a.id == article) for _, article in plan)
        wallet = await paying_wallet(uow.session, child.id, "meals")
        funded = _at(uow, past[0] - timedelta(days=7))
        await bank_transfers.record_bank_transfer(
            funded,
            staff,
            communication_text=wallet.structured_communication,
            amount_cents=total,
            bank_reference=f"DEMO-MEALS-{child.id}",
            value_date=funded.now.date(),
        )
        for day, article in plan:
            await reservations.reserve(
                _at(uow, day),
                parent,
                child_id=child.id,
                day=day,
                article_id=article,
                idempotency_key=f"demo-meal-{child.id}-{day.isoformat()}",
            )
    # Closed in the school calendar too: the canteen's closed days, a holiday in the agendas.
    await calendar.close_school_days(
        uow, staff, first=holidays[0], last=holidays[1], title="Vacances d'hiver"
    )
