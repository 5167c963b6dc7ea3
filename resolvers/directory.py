"""Staff directory queries and the guardian mutations."""

import strawberry

from resolvers.common import require_id
from schema.access import actor_of, read, run
from schema.context import Info
from schema.directory import ChildConnection, ChildEdge, SchoolClass
from schema.errors import catches_user_errors, refused
from schema.family import Child
from schema.guardians import Guardian, GuardianPayload
from schema.pagination import PageInfo, encode_cursor, id_after
from services.common.errors import DomainError
from services.school import directory, guardians


@strawberry.type
class Query:
    @strawberry.field(
        description="Staff: the school's children by name; the search ignores accents and case."
    )
    async def children(
        self,
        info: Info,
        search: str | None = None,
        class_name: str | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> ChildConnection:
        actor = actor_of(info)
        try:
            after_id = id_after(after)
            page = await read(
                info,
                lambda s: directory.children_page(
                    s, actor, search=search, class_name=class_name, first=first, after_id=after_id
                ),
            )
        except DomainError as error:
            raise refused(info, error) from error
        edges = [
            ChildEdge(cursor=encode_cursor(str(row.id)), node=Child.from_view(row))
            for row in page.children
        ]
        end = edges[-1].cursor if edges else None
        return ChildConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end)
        )

    @strawberry.field(description="Staff: the school's classes with how many children each.")
    async def school_classes(self, info: Info) -> list[SchoolClass]:
        actor = actor_of(info)
        try:
            rows = await read(info, lambda s: directory.classes(s, actor))
        except DomainError as error:
            raise refused(info, error) from error
        return [SchoolClass(name=row.name, child_count=row.children) for row in rows]

    @strawberry.field(description="Staff: parents whose name or e-mail holds every word.")
    async def guardians(self, info: Info, search: str = "", first: int = 50) -> list[Guardian]:
        actor = actor_of(info)
        try:
            rows = await read(info, lambda s: directory.search_guardians(s, actor, search, first))
        except DomainError as error:
            raise refused(info, error) from error
        return [Guardian.from_view(row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Staff: an existing parent account becomes a guardian.")
    @catches_user_errors(GuardianPayload)
    async def link_guardian(
        self, info: Info, guardian_id: strawberry.ID, child_id: strawberry.ID
    ) -> GuardianPayload:
        actor = actor_of(info)
        user, child = (
            require_id(guardian_id, "User", "guardianId"),
            require_id(child_id, "Child", "childId"),
        )
        view = await run(
            info,
            lambda uow: guardians.link_guardian(uow, actor, guardian_id=user, child_id=child),
        )
        return GuardianPayload(guardian=Guardian.from_view(view))

    @strawberry.mutation(description="Staff: the parent no longer sees this child.")
    @catches_user_errors(GuardianPayload)
    async def unlink_guardian(
        self, info: Info, guardian_id: strawberry.ID, child_id: strawberry.ID
    ) -> GuardianPayload:
        actor = actor_of(info)
        user, child = (
            require_id(guardian_id, "User", "guardianId"),
            require_id(child_id, "Child", "childId"),
        )
        view = await run(
            info,
            lambda uow: guardians.unlink_guardian(uow, actor, guardian_id=user, child_id=child),
        )
        return GuardianPayload(guardian=Guardian.from_view(view))

    @strawberry.mutation(description="Staff: mail a fresh activation link to an invited parent.")
    @catches_user_errors(GuardianPayload)
    async def resend_invitation(self, info: Info, guardian_id: strawberry.ID) -> GuardianPayload:
        actor = actor_of(info)
        user = require_id(guardian_id, "User", "guardianId")
        view = await run(
            info, lambda uow: guardians.resend_invitation(uow, actor, guardian_id=user)
        )
        return GuardianPayload(guardian=Guardian.from_view(view))

    @strawberry.mutation(
        description="Staff: the parent can no longer sign in; their sessions end at once."
    )
    @catches_user_errors(GuardianPayload)
    async def disable_account(self, info: Info, guardian_id: strawberry.ID) -> GuardianPayload:
        actor = actor_of(info)
        user = require_id(guardian_id, "User", "guardianId")
        view = await run(info, lambda uow: guardians.disable_account(uow, actor, guardian_id=user))
        return GuardianPayload(guardian=Guardian.from_view(view))
