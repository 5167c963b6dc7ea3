"""Schools, children and the viewer (the signed-in user's entry point)."""

from typing import Protocol

import strawberry

from schema.accounts import User
from schema.child_money import ChildWallets
from schema.context import Info
from schema.dashboard import ChildDashboard
from schema.documents import ChildDocuments
from schema.errors import UserError
from schema.events import ChildCalendar
from schema.meals import ChildMeals
from schema.meetings import ChildMeetings
from schema.node import Node


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


@strawberry.type
class Child(
    ChildWallets, ChildMeals, ChildDocuments, ChildCalendar, ChildMeetings, ChildDashboard, Node
):
    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]
    first_name: str
    last_name: str
    class_name: str | None


@strawberry.type
class Viewer:
    user: User
    school: School

    @strawberry.field(description="The children this user is guardian of.")
    async def children(self, info: Info) -> list[Child]:
        return await info.context.api.family.children(info)

    @strawberry.field(description="Null when it is not one of them.")
    async def child(self, info: Info, id: strawberry.ID) -> Child | None:
        return await info.context.api.family.child(info, id)


@strawberry.type
class ChildPayload:
    child: Child | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


class FamilyApi(Protocol):
    async def children(self, info: Info) -> list[Child]: ...
    async def child(self, info: Info, id: strawberry.ID) -> Child | None: ...
