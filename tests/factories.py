"""Families, staff and schools in one line, written through the same units of work as the app."""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from models.accounts import Role, User
from models.calendar import SchoolEvent
from models.documents import Document
from models.family import Child, Guardianship, School
from services.actor import Actor
from services.documents import Audience, NewDocument, publish_document
from services.passwords import hash_password
from services.sessions import open_session
from services.uow import Transactions, UnitOfWork
from services.wallet_setup import create_wallets
from services.wallet_views import WalletView
from storage.local import LocalStorage
from tests.support.files import pdf_bytes

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
            password_hash=hash_password(uow.settings, password) if password else None,
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
    from services.wallets import child_wallets

    assert child.id is not None
    child_id = child.id
    return await tx.read(lambda session: child_wallets(session, child_id))


async def fund(tx: Transactions, wallet_id: int, cents: int) -> WalletView:
    """Credit a wallet as a received bank transfer would; returns the wallet after it."""
    from models.ledger import OperationType, PaymentMethod, SchoolAccount
    from services import ledger

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


def actor(person: Person) -> Actor:
    """The service-level identity of a person made by these factories."""
    return Actor(person.id, person.user.school_id, Role(person.user.role), person.user.locale)
