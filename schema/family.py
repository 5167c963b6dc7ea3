"""Children and the viewer (the signed-in user's entry point)."""

import datetime

import strawberry

from models import family as m_family
from schema.access import actor_of, read
from schema.accounts import User
from schema.appointments import ChildMeetings
from schema.billing import ChildInvoices
from schema.child_money import ChildWallets
from schema.context import Info
from schema.dashboard import ChildDashboard
from schema.documents import ChildDocuments
from schema.errors import UserError
from schema.events import ChildCalendar
from schema.guardians import ChildGuardians
from schema.ids import db_id_of, to_global_id
from schema.meals import ChildMeals
from schema.node import Node
from schema.own_sessions import ViewerSessions
from schema.photo_orders import ChildPhotos
from schema.schools import School
from schema.totp import ViewerTotp
from services.common.errors import DomainError
from services.family import children as family
from services.family.views import ChildView


@strawberry.type
class Child(
    ChildWallets,
    ChildMeals,
    ChildDocuments,
    ChildCalendar,
    ChildMeetings,
    ChildDashboard,
    ChildPhotos,
    ChildGuardians,
    ChildInvoices,
    Node,
):
    db_id: strawberry.Private[int]
    school_id: strawberry.Private[int]
    first_name: str
    last_name: str
    class_name: str | None
    left_at: datetime.datetime | None = strawberry.field(
        description="When the child left the school (null while it attends)."
    )

    @classmethod
    def from_view(cls, child: m_family.Child | ChildView) -> "Child":
        assert child.id is not None
        return cls(
            id=to_global_id("Child", child.id),
            db_id=child.id,
            school_id=child.school_id,
            first_name=child.first_name,
            last_name=child.last_name,
            class_name=child.class_name,
            left_at=child.left_at,
        )


async def reachable_child(info: Info, child_id: int) -> Child | None:
    """One of the viewer's children, or None, exactly as for a child that does not exist."""
    actor = actor_of(info)
    try:
        view = await read(info, lambda s: family.child_view_for(s, actor, child_id))
    except DomainError:
        return None
    return Child.from_view(view)


@strawberry.type
class Viewer(ViewerSessions, ViewerTotp):
    user: User
    school: School

    @strawberry.field(description="The children this user is guardian of.")
    async def children(self, info: Info) -> list[Child]:
        actor = actor_of(info)
        rows = await read(info, lambda s: family.children_of(s, actor))
        return [Child.from_view(row) for row in rows]

    @strawberry.field(description="Null when it is not one of them.")
    async def child(self, info: Info, id: strawberry.ID) -> Child | None:
        child_id = db_id_of(id, "Child")
        return None if child_id is None else await reachable_child(info, child_id)


@strawberry.type
class ChildPayload:
    child: Child | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
