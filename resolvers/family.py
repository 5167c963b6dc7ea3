"""The viewer, node lookups of families, and the staff's family mutations."""

import strawberry
from graphql import OperationType

from schema.access import actor_of, read, run
from schema.accounts import User
from schema.context import Info
from schema.errors import catches_user_errors
from schema.family import Child, ChildPayload, Viewer
from schema.schools import School, remember_school
from services.common.errors import DomainError
from services.family import children as family


async def school_node(info: Info, school_id: int) -> School | None:
    actor = actor_of(info)
    try:
        return School.from_view(await read(info, lambda s: family.school_for(s, actor, school_id)))
    except DomainError:
        return None


async def user_node(info: Info, user_id: int) -> User | None:
    """Only oneself: users of other families are not reachable."""
    actor = actor_of(info)
    try:
        return User.from_view(await read(info, lambda s: family.user_for(s, actor, user_id)))
    except DomainError:
        return None


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
            views = await read(info, lambda s: family.user_and_school(s, actor))
        user, school = views
        # The children's dashboards show this school's modules: no second read of it.
        remember_school(info, actor, school)
        return Viewer(user=User.from_view(user), school=School.from_view(school))


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
        return ChildPayload(child=Child.from_view(row))
