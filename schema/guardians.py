"""Guardians as the staff's directory shows them, and a child's guardians."""

import strawberry

from schema.access import actor_of, read
from schema.context import Info
from schema.enums import AccountState
from schema.errors import UserError, refused
from schema.ids import to_global_id
from services.common.errors import DomainError
from services.school import directory
from services.school.directory import GuardianView


@strawberry.type
class Guardian:
    id: strawberry.ID
    display_name: str
    email: str
    username: str
    locale: str
    state: AccountState

    @classmethod
    def from_view(cls, view: GuardianView) -> "Guardian":
        return cls(
            id=strawberry.ID(to_global_id("User", view.id)),
            display_name=view.display_name,
            email=view.email,
            username=view.username,
            locale=view.locale,
            state=view.state,
        )


@strawberry.type
class ChildGuardians:
    db_id: strawberry.Private[int]

    @strawberry.field(description="Staff only: the child's guardians and their account state.")
    async def guardians(self, info: Info) -> list[Guardian]:
        actor = actor_of(info)
        child_id = self.db_id
        try:
            found = await read(info, lambda s: directory.guardians_of(s, actor, [child_id]))
        except DomainError as error:
            raise refused(info, error) from error
        return [Guardian.from_view(view) for view in found[child_id]]


@strawberry.type
class GuardianPayload:
    guardian: Guardian | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
