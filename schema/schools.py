"""Schools: the tenant a viewer belongs to, its feature switches and bank account; the
operation's read of it (the viewer's query reads it once, the children's fields reuse it)."""

from collections.abc import Sequence

import strawberry

from graphql_runtime.loaders import loader
from models import family as m_family
from schema.access import actor_of
from schema.context import Info
from schema.errors import UserError, refused
from schema.ids import to_global_id
from schema.node import Node
from services.accounts.actor import Actor
from services.common.errors import NotFound
from services.family import children as family
from services.family.views import SchoolView
from services.sql.runtime import Runtime


@strawberry.type
class SchoolFeatures:
    meals: bool
    photos: bool
    meetings: bool
    online_top_up: bool
    bank_transfer_top_up: bool
    internal_transfer: bool
    pay_invoice_from_wallet: bool


@strawberry.type
class BankAccount:
    iban: str
    bic: str | None
    holder: str


@strawberry.type
class School(Node):
    db_id: strawberry.Private[int]
    name: str
    timezone: str
    features: SchoolFeatures
    bank_account: BankAccount | None = strawberry.field(description="Where transfers go.")

    @classmethod
    def from_view(cls, school: m_family.School | SchoolView) -> "School":
        assert school.id is not None
        bank = None
        if school.bank_iban:
            bank = BankAccount(
                iban=school.bank_iban, bic=school.bank_bic, holder=school.bank_holder or school.name
            )
        return cls(
            id=to_global_id("School", school.id),
            db_id=school.id,
            name=school.name,
            timezone=school.timezone,
            features=SchoolFeatures(
                meals=school.feature_meals,
                photos=school.feature_photos,
                meetings=school.feature_meetings,
                online_top_up=school.feature_online_top_up,
                bank_transfer_top_up=school.feature_bank_transfer_top_up,
                internal_transfer=school.feature_internal_transfer,
                pay_invoice_from_wallet=school.feature_pay_invoice_from_wallet,
            ),
            bank_account=bank,
        )


@strawberry.type
class SchoolPayload:
    school: School | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


# (viewer, school id): each viewer sees their own school only.
SchoolKey = tuple[Actor, int]


async def _schools(runtime: Runtime, keys: Sequence[SchoolKey]) -> list[SchoolView | None]:
    """The operation's schools (DataLoader batch): one read per viewer."""
    found: dict[SchoolKey, SchoolView] = {}
    for actor in dict.fromkeys(actor for actor, _ in keys):
        ids = sorted({school_id for asker, school_id in keys if asker == actor})
        async with runtime.transactions.reading() as session:
            views = await family.schools_by_id(session, actor, ids)
        found.update(((actor, school_id), view) for school_id, view in views.items())
    return [found.get(key) for key in keys]


async def school_view(info: Info, school_id: int) -> SchoolView:
    """A school the viewer reached through a child, read once per operation."""
    found = await loader(info, _schools).load((actor_of(info), school_id))
    if found is None:
        raise refused(info, NotFound("schoolId"))
    return found


def remember_school(info: Info, actor: Actor, school: SchoolView) -> None:
    """The viewer's school, already read: the children's fields need no second read of it."""
    loader(info, _schools).prime((actor, school.id), school)
