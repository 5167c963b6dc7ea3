"""Who is asking: the authenticated user behind a request or a socket."""

from dataclasses import dataclass

from models.accounts import Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    school_id: int
    role: Role
    locale: str
    session_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_parent(self) -> bool:
        return self.role == Role.PARENT
