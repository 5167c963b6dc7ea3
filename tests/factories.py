"""Families, staff and schools in one line, written through the same units of work as the app."""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from models.accounts import Role, User
from models.documents import Document
from models.family import Child, Guardianship, School
from models.meals import MealArticle
from models.school import SchoolEvent
from services.accounts.actor import Actor
from services.accounts.passwords import hash_password
from services.accounts.sessions import open_session
from services.documents.publishing import Audience, NewDocument, publish_document
from services.meetings.slots import teacher_view
from services.sql.uow import Transactions, UnitOfWork
from services.wallets.settings import create_wallets
from services.wallets.views import WalletView
from storage.local import LocalStorage
from tests.support.files import pdf_bytes

if TYPE_CHECKING:
    from models.meetings import Meeting
    from services.meals.reservations import ReservationView
    from services.meetings.slots import SlotView, TeacherView
    from services.wallets.devices import DeviceActor

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


@dataclass
class Person:
    user: User
    token: str

    @property
    def id(self) -> int:
        assert self.user.id is not None
        return self.user.id


@dataclass
class Family:
    parent: Person
    children: list[Child] = field(default_factory=list)

    @property
    def child(self) -> Child:
        return self.children[0]


def unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


async def make_school(tx: Transactions, **overrides: Any) -> School:
    async def work(uow: UnitOfWork) -> School:
        values: dict[str, Any] = {
            "slug": unique("school-"),
            "name": unique("École "),
            "timezone": "Europe/Brussels",
            "bank_iban": "BE71096123456769",
            "bank_holder": "École ASBL",
            "created_at": uow.now,
        }
        values.update(overrides)
        school = School(**values)
        uow.session.add(school)
        await uow.session.flush()
        return school

    return await tx.run(work)


async def make_user(
    tx: Transactions,
    school: School,
    role: Role = Role.PARENT,
    *,
    username: str | None = None,
    email: str | None = None,
    password: str | None = PASSWORD,
    locale: str = "fr",
) -> Person:
    assert school.id is not None
    school_id = school.id
    name = username or unique("user")

    async def work(uow: UnitOfWork) -> Person:
        user = User(
            school_id=school_id,
            role=role,
            username=name,
            email=email or f"{name}@example.org",
            display_name=name.title(),
            password_hash=await hash_password(uow.settings, password) if password else None,
            locale=locale,
            created_at=uow.now,
        )
        uow.session.add(user)
        await uow.session.flush()
        return Person(user, await open_session(uow, user))

    return await tx.run(work)


async def make_child(
    tx: Transactions, school: School, *guardians: Person, first_name: str | None = None
) -> Child:
    assert school.id is not None
    school_id = school.id

    async def work(uow: UnitOfWork) -> Child:
        child = Child(
            school_id=school_id,
            first_name=first_name or unique("Kid"),
            last_name="Test",
            class_name="1A",
            created_at=uow.now,
        )
        uow.session.add(child)
        await uow.session.flush()
        assert child.id is not None
        for guardian in guardians:
            uow.session.add(
                Guardianship(school_id=school_id, parent_id=guardian.id, child_id=child.id)
            )
        await create_wallets(uow, school_id, [child.id])
        return child

    return await tx.run(work)


async def make_family(tx: Transactions, school: School, children: int = 1, **user: Any) -> Family:
    parent = await make_user(tx, school, Role.PARENT, **user)
    family = Family(parent)
    for _ in range(children):
        family.children.append(await make_child(tx, school, parent))
    return family


async def make_document(
    tx: Transactions,
    school: School,
    audience: Audience,
    *,
    title: str | None = None,
    day: date | None = None,
    data: bytes | None = None,
    file_name: str = "document.pdf",
    notify: bool = False,
) -> Document:
    """A published document, through the same service as generated documents."""
    assert school.id is not None
    school_id = school.id
    new = NewDocument(
        title=title or unique("Document "), date=day or date(2026, 11, 2), audience=audience
    )
    storage = LocalStorage(tx.settings.documents_dir)

    async def work(uow: UnitOfWork) -> Document:
        return await publish_document(
            uow,
            storage,
            school_id,
            new,
            data=data or pdf_bytes(new.title),
            file_name=file_name,
            notify=notify,
        )

    return await tx.run(work)


async def make_event(
    tx: Transactions,
    school: School,
    starts_at: datetime,
    *,
    ends_at: datetime | None = None,
    class_name: str | None = None,
    title: str | None = None,
    kind: str = "activity",
) -> SchoolEvent:
    assert school.id is not None
    school_id = school.id

    async def work(uow: UnitOfWork) -> SchoolEvent:
        event = SchoolEvent(
            school_id=school_id,
            class_name=class_name,
            title=title or unique("Event "),
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            created_at=uow.now,
        )
        uow.session.add(event)
        await uow.session.flush()
        return event

    return await tx.run(work)


async def set_class(tx: Transactions, child: Child, class_name: str | None) -> None:
    async def work(uow: UnitOfWork) -> None:
        row = await uow.session.get(Child, child.id)
        assert row is not None
        row.class_name = class_name
        uow.session.add(row)

    await tx.run(work)
    child.class_name = class_name


def pk(row: Any) -> int:
    """A flushed row's primary key (typed `int | None` on the model)."""
    assert row.id is not None
    return int(row.id)


async def wallets_of(tx: Transactions, child: Child) -> list[WalletView]:
    """The child's wallets, first one first."""
    from services.wallets.wallets import child_wallets

    assert child.id is not None
    child_id = child.id
    return await tx.read(lambda session: child_wallets(session, child_id))


async def fund(tx: Transactions, wallet_id: int, cents: int) -> WalletView:
    """Credit a wallet as a received bank transfer would; returns the wallet after it."""
    from models.ledger import OperationType, PaymentMethod, SchoolAccount
    from services.wallets import ledger

    posted = await tx.run(
        lambda uow: ledger.credit_wallet(
            uow,
            wallet_id=wallet_id,
            amount_cents=cents,
            source=SchoolAccount.BANK_CLEARING,
            type=OperationType.TOP_UP,
            label="Virement bancaire",
            method=PaymentMethod.BANK_TRANSFER,
        )
    )
    return posted.wallets[0]


@dataclass
class MeetingSetup:
    meeting: "Meeting"
    teachers: list["TeacherView"]
    slots: dict[int, list["SlotView"]]  # per teacher id, in time order

    @property
    def id(self) -> int:
        assert self.meeting.id is not None
        return self.meeting.id

    def slot(self, teacher: int, index: int) -> "SlotView":
        return self.slots[self.teachers[teacher].id][index]


async def make_meeting(
    tx: Transactions,
    school: School,
    *,
    teachers: int = 2,
    days_ahead: int = 14,
    start: str = "17:00",
    end: str = "18:00",
    slot_minutes: int = 10,
    opens_in: timedelta = timedelta(hours=-1),
    closes_in: timedelta | None = None,
    several_teachers: bool = True,
    class_names: tuple[str, ...] = (),
    teacher_user_ids: tuple[int, ...] = (),
) -> MeetingSetup:
    """A meeting `days_ahead` days from the clock's today (school time), booking open from an
    hour ago until it starts by default, with `teachers` named teachers (then one per TEACHER
    user id) on its hours."""
    from models.meetings import Meeting
    from services.meetings import setup

    assert school.id is not None
    staff = Actor(user_id=0, school_id=school.id, role=Role.STAFF, locale="fr")
    now = tx.now()
    zone = ZoneInfo(school.timezone)
    day = now.astimezone(zone).date() + timedelta(days=days_ahead)
    starts_at = datetime.combine(day, time.fromisoformat(start), tzinfo=zone)

    async def work(uow: UnitOfWork) -> MeetingSetup:
        meeting: Meeting = await setup.create_meeting(
            uow,
            staff,
            title=unique("Réunion "),
            day=day,
            start=time.fromisoformat(start),
            end=time.fromisoformat(end),
            booking_opens_at=now + opens_in,
            booking_closes_at=starts_at if closes_in is None else now + closes_in,
            slot_minutes=slot_minutes,
            several_teachers=several_teachers,
            class_names=class_names,
        )
        assert meeting.id is not None
        made = MeetingSetup(meeting, [], {})
        extras: list[dict[str, Any]] = [
            *({"display_name": unique("Teacher ")} for _ in range(teachers)),
            *({"user_id": user_id} for user_id in teacher_user_ids),
        ]
        for extra in extras:
            row, views = await setup.add_teacher(uow, staff, meeting.id, **extra)
            assert row.id is not None
            made.teachers.append(teacher_view(row))
            made.slots[row.id] = views
        return made

    return await tx.run(work)


def actor_for(person: Person) -> Actor:
    """The actor a request of this person would carry (for calling services directly)."""
    user = person.user
    return Actor(
        user_id=person.id, school_id=user.school_id, role=Role(user.role), locale=user.locale
    )


def gid(type_name: str, db_id: int | None) -> str:
    """The global ID the API gives this row."""
    from schema.ids import to_global_id

    assert db_id is not None
    return to_global_id(type_name, db_id)


async def make_families(tx: Transactions, school: School, count: int) -> list[Family]:
    """`count` one-child families with open sessions, in one transaction (for races)."""
    assert school.id is not None
    school_id = school.id

    async def work(uow: UnitOfWork) -> list[Family]:
        password_hash = await hash_password(uow.settings, PASSWORD)
        families = []
        for _ in range(count):
            name = unique("parent")
            user = User(
                school_id=school_id,
                role=Role.PARENT,
                username=name,
                email=f"{name}@example.org",
                display_name=name.title(),
                password_hash=password_hash,
                created_at=uow.now,
            )
            child = Child(
                school_id=school_id,
                first_name=unique("Kid"),
                last_name="Test",
                class_name="1A",
                created_at=uow.now,
            )
            uow.session.add_all([user, child])
            await uow.session.flush()
            assert user.id is not None and child.id is not None
            uow.session.add(Guardianship(school_id=school_id, parent_id=user.id, child_id=child.id))
            families.append(Family(Person(user, await open_session(uow, user)), [child]))
        return families

    return await tx.run(work)


async def make_meal_menu(
    tx: Transactions,
    school: School,
    days: list[date],
    articles: list[tuple[str, int, list[str]]] | None = None,
) -> list[MealArticle]:
    """Articles (name, price in cents, allergens) offered on each of `days`."""
    from services.meals import catalogue

    staff = actor_for(await make_user(tx, school, Role.STAFF))
    wanted = articles or [("Repas chaud", 420, [])]

    async def build(uow: UnitOfWork) -> list[MealArticle]:
        made = [
            await catalogue.create_article(uow, staff, name=n, price_cents=p, allergens=a)
            for n, p, a in wanted
        ]
        ids = [pk(a) for a in made]
        for first in sorted({d.replace(day=1) for d in days}):
            menu = {d: ids for d in days if d.replace(day=1) == first}
            await catalogue.set_month(uow, staff, first, menu)
        return made

    made = await tx.run(build)
    return made


async def make_device(
    tx: Transactions, school: School, name: str = "Caisse", kind: str = "canteen"
) -> "DeviceActor":
    """A point-of-sale device of the school, as its requests would be seen."""
    from models.sales import DeviceKind
    from services.wallets.devices import DeviceActor, create_device

    assert school.id is not None
    staff = Actor(user_id=0, school_id=school.id, role=Role.STAFF, locale="fr")
    view, _ = await tx.run(lambda uow: create_device(uow, staff, name=name, kind=kind))
    return DeviceActor(view.id, view.school_id, view.name, DeviceKind(kind))


async def make_sale(
    tx: Transactions,
    device: "DeviceActor",
    child: Child,
    wallet_id: int,
    *lines: tuple[str, int, int],
) -> None:
    """A purchase at the device, one sale per (article, quantity, unit price in cents)."""
    from services.wallets import sales

    assert child.id is not None
    child_id = child.id
    await tx.run(
        lambda uow: sales.record_sale(
            uow,
            device,
            child_id=child_id,
            wallet_id=wallet_id,
            lines=[sales.SaleLine(*line) for line in lines],
            idempotency_key=unique("sale-"),
        )
    )


async def make_reservation(
    tx: Transactions, parent: Person, child: Child, day: date, article: MealArticle
) -> "ReservationView":
    """A meal the parent reserves (and pays) for the child, through the real service."""
    from services.meals import reservations

    assert child.id is not None and article.id is not None
    child_id, article_id = child.id, article.id
    return await tx.run(
        lambda uow: reservations.reserve(
            uow,
            actor_for(parent),
            child_id=child_id,
            day=day,
            article_id=article_id,
            idempotency_key=unique("meal-"),
        )
    )
