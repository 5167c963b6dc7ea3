"""What the contention benchmark needs in a database, written through the app's own services
(the same units of work as the API): a school, parents with open sessions, a meeting and its
slots, a meal menu, a funded wallet."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col

from models.accounts import Role, User
from models.family import Child, Guardianship, School
from models.ledger import OperationType, PaymentMethod, SchoolAccount
from services.accounts.actor import Actor
from services.accounts.sessions import open_session
from services.meals import catalogue
from services.meetings import setup
from services.sql.uow import Transactions, UnitOfWork
from services.wallets import ledger
from services.wallets.settings import create_wallets
from services.wallets.wallets import paying_wallet

TIMEZONE = "Europe/Brussels"


@dataclass(frozen=True)
class Parent:
    user_id: int
    child_id: int
    token: str


@dataclass(frozen=True)
class Bench:
    school_id: int
    staff: Actor
    parents: list[Parent]


async def school_with_parents(tx: Transactions, parents: int) -> Bench:
    """A school, one staff member and `parents` one-child families (no password: each gets a
    session directly, as a login would open it), each child with its wallets."""

    async def work(uow: UnitOfWork) -> Bench:
        school = School(slug="bench", name="École du banc", timezone=TIMEZONE, created_at=uow.now)
        uow.session.add(school)
        await uow.session.flush()
        assert school.id is not None
        staff_user = _user(school.id, Role.STAFF, "staff", uow.now)
        uow.session.add(staff_user)
        made: list[tuple[User, Child]] = []
        for n in range(parents):
            user = _user(school.id, Role.PARENT, f"parent{n}", uow.now)
            child = Child(
                school_id=school.id,
                first_name=f"Enfant{n}",
                last_name="Banc",
                class_name="1A",
                created_at=uow.now,
            )
            uow.session.add_all([user, child])
            made.append((user, child))
        await uow.session.flush()
        found = []
        for user, child in made:
            assert user.id is not None and child.id is not None
            uow.session.add(Guardianship(school_id=school.id, parent_id=user.id, child_id=child.id))
            found.append(Parent(user.id, child.id, await open_session(uow, user)))
        await create_wallets(uow, school.id, [p.child_id for p in found])
        assert staff_user.id is not None
        staff = Actor(user_id=staff_user.id, school_id=school.id, role=Role.STAFF, locale="fr")
        return Bench(school.id, staff, found)

    return await tx.run(work)


def _user(school_id: int, role: Role, name: str, now: datetime) -> User:
    return User(
        school_id=school_id,
        role=role,
        username=name,
        email=f"{name}@bench.example",
        display_name=name.title(),
        password_hash=None,
        created_at=now,
    )


async def meeting_slots(tx: Transactions, bench: Bench, slots: int) -> tuple[int, list[int]]:
    """A meeting a week ahead, booking open, one teacher with `slots` ten-minute slots: its id
    and the slots' ids."""
    now = tx.now()
    zone = ZoneInfo(TIMEZONE)
    day = now.astimezone(zone).date() + timedelta(days=7)
    start = time(16, 0)
    end = (datetime.combine(day, start) + timedelta(minutes=10 * slots)).time()

    async def work(uow: UnitOfWork) -> tuple[int, list[int]]:
        meeting = await setup.create_meeting(
            uow,
            bench.staff,
            title="Réunion de parents",
            day=day,
            start=start,
            end=end,
            booking_opens_at=now - timedelta(hours=1),
            booking_closes_at=datetime.combine(day, start, tzinfo=zone),
            slot_minutes=10,
            several_teachers=True,
            class_names=(),
        )
        assert meeting.id is not None
        _, views = await setup.add_teacher(uow, bench.staff, meeting.id, display_name="Mme Prof")
        return meeting.id, [view.id for view in views]

    return await tx.run(work)


def bookable_day(now: datetime) -> date:
    """A school day (Monday to Friday) at least a week ahead: open under the default rule."""
    day = now.astimezone(ZoneInfo(TIMEZONE)).date() + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def meal_on(tx: Transactions, bench: Bench, day: date, price_cents: int) -> int:
    """One article offered on `day`; returns its id."""

    async def work(uow: UnitOfWork) -> int:
        article = await catalogue.create_article(
            uow, bench.staff, name="Repas chaud", price_cents=price_cents
        )
        assert article.id is not None
        await catalogue.set_month(uow, bench.staff, day.replace(day=1), {day: [article.id]})
        return article.id

    return await tx.run(work)


async def fund_meals(tx: Transactions, child_id: int, cents: int) -> int:
    """Credit the child's meal wallet as a received bank transfer; returns the wallet id."""
    wallet = await tx.read(lambda session: paying_wallet(session, child_id, "meals"))
    await tx.run(
        lambda uow: ledger.credit_wallet(
            uow,
            wallet_id=wallet.id,
            amount_cents=cents,
            source=SchoolAccount.BANK_CLEARING,
            type=OperationType.TOP_UP,
            label="Virement bancaire",
            method=PaymentMethod.BANK_TRANSFER,
        )
    )
    return wallet.id


async def set_iban(tx: Transactions, school_id: int, iban: str) -> None:
    """The school's bank account: the one its statements must be for."""

    async def work(uow: UnitOfWork) -> None:
        await uow.session.execute(
            update(School).where(col(School.id) == school_id).values(bank_iban=iban)
        )

    await tx.run(work)
