"""Who is asking: the authenticated user behind a request or a socket."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from models.accounts import Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    school_id: int
    role: Role
    locale: str
    session_id: int | None = None
    # The app's clock (Settings.clock, controlled by tests): what "now" is for access that
    # ends with time (a leaver's guardians). Without one, the wall clock.
    clock: Callable[[], datetime] | None = None

    def now(self) -> datetime:
        return datetime.now(UTC) if self.clock is None else self.clock()

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_parent(self) -> bool:
        return self.role == Role.PARENT
