"""Schools: the tenant a viewer belongs to, its feature switches and bank account; the
operation's read of it (the viewer's query reads it once, the children's fields reuse it)."""

from collections.abc import Sequence

import strawberry

from graphql_runtime.public import loader
from models import family as m_family
from schema.access import load_by_id
from schema.context import Info
from schema.errors import UserError
from schema.ids import to_global_id
from schema.node import Node
from services.accounts.actor import Actor
from services.family import children as family
from services.family.views import SchoolView
from services.sql.by_id import ViewerKey, batched_by_id
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
    leaver_access_days: int = strawberry.field(
        description="Days a leaver's guardians still read its history after it left."
    )

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
            leaver_access_days=school.leaver_access_days,
        )


@strawberry.type
class SchoolPayload:
    school: School | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _schools(runtime: Runtime, keys: Sequence[ViewerKey]) -> list[SchoolView | None]:
    return await batched_by_id(runtime, keys, family.schools_by_id)


async def school_view(info: Info, school_id: int) -> SchoolView:
    """A school the viewer reached through a child, read once per operation."""
    return await load_by_id(info, _schools, school_id)


def remember_school(info: Info, actor: Actor, school: SchoolView) -> None:
    """The viewer's school, already read: the children's fields need no second read of it."""
    loader(info, _schools).prime((actor, school.id), school)
