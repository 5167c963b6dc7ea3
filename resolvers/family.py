"""The viewer, node lookup of families, and the staff's family mutations."""

from collections.abc import Sequence

import strawberry
from graphql import OperationType

from graphql_runtime.public import loader
from models.accounts import User as UserRow
from resolvers.common import actor_of, catches_user_errors, read, run
from resolvers.mapping import child_type, school_type, user_type
from schema.accounts import User
from schema.context import Info
from schema.family import Child, ChildPayload, School, Viewer
from schema.ids import db_id_of
from services.common.errors import DomainError
from services.family import children as family
from services.family.views import SchoolView
from services.sql.runtime import Runtime


async def schools_by_id(runtime: Runtime, school_ids: Sequence[int]) -> list[SchoolView]:
    """The operation's schools (DataLoader batch); `viewer` primes it with the viewer's."""
    found = await runtime.transactions.read(lambda s: family.schools_by_id(s, school_ids))
    return [found[school_id] for school_id in school_ids]


class FamilyResolvers:
    """Implements schema.family.FamilyApi."""

    async def children(self, info: Info) -> list[Child]:
        actor = actor_of(info)
        rows = await read(info, lambda s: family.children_of(s, actor))
        return [child_type(c) for c in rows]

    async def child(self, info: Info, id: strawberry.ID) -> Child | None:
        child_id = db_id_of(id, "Child")
        return None if child_id is None else await child_node(info, child_id)


async def child_node(info: Info, child_id: int) -> Child | None:
    """One of the viewer's children, or None, exactly as for a child that does not exist."""
    actor = actor_of(info)
    try:
        row = await read(info, lambda s: family.child_view_for(s, actor, child_id))
    except DomainError:
        return None
    return child_type(row)


async def school_node(info: Info, school_id: int) -> School | None:
    actor = actor_of(info)
    if school_id != actor.school_id:
        return None
    return school_type(await read(info, lambda s: family.get_school(s, school_id)))


async def user_node(info: Info, user_id: int) -> User | None:
    """Only oneself: users of other families are not reachable."""
    actor = actor_of(info)
    if user_id != actor.user_id:
        return None
    row = await read(info, lambda s: s.get(UserRow, user_id))
    return None if row is None else user_type(row)


@strawberry.type
class Query:
    @strawberry.field(description="Null without a valid session.")
    async def viewer(self, info: Info) -> Viewer | None:
        actor = info.context.actor
        if actor is None:
            return None
        # Read with the session when the request was authenticated; a mutation reads anew
        # (it may have changed them).
        views = info.context.viewer_views
        if views is None or info.operation.operation != OperationType.QUERY:
            views = await read(info, lambda s: family.user_and_school(s, actor.user_id))
        user, school = views
        # The children's dashboards show this school's modules: no second read of it.
        loader(info, schools_by_id).prime(actor.school_id, school)
        return Viewer(user=user_type(user), school=school_type(school))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Staff: add a child to the school.")
    @catches_user_errors(ChildPayload)
    async def create_child(
        self, info: Info, first_name: str, last_name: str, class_name: str | None = None
    ) -> ChildPayload:
        actor = actor_of(info)
        row = await run(
            info,
            lambda uow: family.create_child(
                uow, actor, first_name=first_name, last_name=last_name, class_name=class_name
            ),
        )
        return ChildPayload(child=child_type(row))
