"""The demo school's people: staff, two families, and optional extra families for load tests."""

from dataclasses import dataclass, field

from models.accounts import Role, User
from models.family import Child, Guardianship, School
from services.accounts.passwords import hash_password
from services.sql.uow import UnitOfWork

DEMO_IBAN = "BE71096123456769"
# username, name, locale, child's first and last name (passwords: demo-ouder-pass, ...)
LANGUAGE_PARENTS = (
    ("demo.ouder", "Sofie Peeters", "nl", "Lotte", "Peeters"),
    ("demo.guardian", "Sarah Smith", "en", "Oliver", "Smith"),
)


@dataclass
class DemoSchool:
    school: School
    staff: User
    parent: User
    other: User
    children: list[Child] = field(default_factory=list)  # demo.parent's two children
    other_children: list[Child] = field(default_factory=list)
    family_children: list[Child] = field(default_factory=list)  # DEMO_FAMILIES
    # One child each of the Dutch- and English-speaking demo parents.
    language_children: list[Child] = field(default_factory=list)

    @property
    def all_children(self) -> list[Child]:
        return [
            *self.children,
            *self.other_children,
            *self.language_children,
            *self.family_children,
        ]


async def _user(
    uow: UnitOfWork,
    school: School,
    role: Role,
    username: str,
    name: str,
    password_hash: str,
    locale: str = "fr",
) -> User:
    assert school.id is not None
    user = User(
        school_id=school.id,
        role=role,
        username=username,
        email=f"{username}@example.org",
        display_name=name,
        password_hash=password_hash,
        locale=locale,
        created_at=uow.now,
    )
    uow.session.add(user)
    await uow.session.flush()
    return user


async def _child(
    uow: UnitOfWork, school: School, parent: User, first: str, last: str, class_name: str
) -> Child:
    assert school.id is not None and parent.id is not None
    child = Child(
        school_id=school.id,
        first_name=first,
        last_name=last,
        class_name=class_name,
        created_at=uow.now,
    )
    uow.session.add(child)
    await uow.session.flush()
    assert child.id is not None
    uow.session.add(Guardianship(school_id=school.id, parent_id=parent.id, child_id=child.id))
    return child


async def seed_people(uow: UnitOfWork, families: int) -> DemoSchool:
    settings = uow.settings
    school = School(
        slug="demo",
        name="École Démo",
        timezone="Europe/Brussels",
        feature_meals=True,
        feature_photos=True,
        feature_meetings=True,
        feature_online_top_up=True,
        feature_bank_transfer_top_up=True,
        feature_internal_transfer=True,
        feature_pay_invoice_from_wallet=True,
        bank_iban=DEMO_IBAN,
        bank_bic="GKCCBEBB",
        bank_holder="École Démo ASBL",
        address_street="Rue de la Brasserie 14",
        address_postcode="1050",
        address_city="Ixelles",
        created_at=uow.now,
    )
    uow.session.add(school)
    await uow.session.flush()

    staff = await _user(
        uow,
        school,
        Role.STAFF,
        "demo.staff",
        "Secrétariat Démo",
        await hash_password(settings, "demo-staff-pass"),
    )
    parent = await _user(
        uow,
        school,
        Role.PARENT,
        "demo.parent",
        "Marie Dupont",
        await hash_password(settings, "demo-parent-pass"),
    )
    other = await _user(
        uow,
        school,
        Role.PARENT,
        "demo.other",
        "Jean Martin",
        await hash_password(settings, "demo-other-pass"),
    )
    demo = DemoSchool(school=school, staff=staff, parent=parent, other=other)
    demo.children = [
        await _child(uow, school, parent, "Emma", "Dupont", "3A"),
        await _child(uow, school, parent, "Lucas", "Dupont", "1B"),
    ]
    demo.other_children = [await _child(uow, school, other, "Léa", "Martin", "3A")]
    # A parent per language: the same portal in Dutch and in English.
    for username, name, locale, first, last in LANGUAGE_PARENTS:
        password = await hash_password(settings, f"{username.replace('.', '-')}-pass")
        user = await _user(uow, school, Role.PARENT, username, name, password, locale)
        demo.language_children.append(await _child(uow, school, user, first, last, "2B"))

    # One hash for every load-test family: hashing thousands of times would take minutes.
    family_hash = await hash_password(settings, "demo-family-pass") if families else ""
    for n in range(1, families + 1):
        user = await _user(uow, school, Role.PARENT, f"demo.family{n}", f"Famille {n}", family_hash)
        demo.family_children.append(
            await _child(uow, school, user, f"Enfant{n}", f"Famille{n}", "2C")
        )
    await uow.session.flush()
    return demo
