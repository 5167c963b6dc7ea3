"""The staff's directory: children with their guardians, classes, guardians; account states.

A school holds a few hundred children: the search folds accents and case in Python over the
school's rows, so it behaves the same on SQLite and PostgreSQL without extensions.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import Role, User
from models.family import Child, Guardianship
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode, NotFound
from services.family.children import require_staff

MAX_PAGE = 200


class AccountState(StrEnum):
    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


@dataclass(frozen=True, slots=True)
class GuardianView:
    id: int
    display_name: str
    email: str
    username: str
    locale: str
    state: AccountState


@dataclass(frozen=True, slots=True)
class ClassCount:
    name: str
    children: int


@dataclass(frozen=True, slots=True)
class ChildPage:
    children: list[Child]
    has_next: bool


def fold(text: str) -> str:
    """Lower case without accents: "Élodie" and "elodie" match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def state_of(user: User) -> AccountState:
    if user.disabled_at is not None:
        return AccountState.DISABLED
    return AccountState.INVITED if user.password_hash is None else AccountState.ACTIVE


def guardian_view(user: User) -> GuardianView:
    assert user.id is not None
    return GuardianView(
        user.id, user.display_name, user.email, user.username, user.locale, state_of(user)
    )


def _page_size(first: int) -> int:
    if first < 1 or first > MAX_PAGE:
        raise DomainError(ErrorCode.INVALID_INPUT, "first")
    return first


async def children_page(
    session: AsyncSession,
    actor: Actor,
    *,
    search: str | None = None,
    class_name: str | None = None,
    first: int = 50,
    after_id: int | None = None,
) -> ChildPage:
    """The school's children by last name, first name, id; `after_id` is the last one seen."""
    require_staff(actor)
    size = _page_size(first)
    query = select(Child).where(col(Child.school_id) == actor.school_id)
    if class_name is not None:
        query = query.where(col(Child.class_name) == class_name.strip())
    rows = list((await session.scalars(query)).all())
    words = fold(search or "").split()
    if words:
        rows = [
            row
            for row in rows
            if all(w in fold(f"{row.first_name} {row.last_name}") for w in words)
        ]
    rows.sort(key=lambda c: (fold(c.last_name), fold(c.first_name), c.id or 0))
    if after_id is not None:
        ids = [row.id for row in rows]
        if after_id not in ids:
            raise DomainError(ErrorCode.INVALID_INPUT, "after")
        rows = rows[ids.index(after_id) + 1 :]
    return ChildPage(rows[:size], len(rows) > size)


async def guardians_of(
    session: AsyncSession, actor: Actor, child_ids: Sequence[int]
) -> dict[int, list[GuardianView]]:
    """Each child's guardians, by name (staff of the child's school only)."""
    require_staff(actor)
    found: dict[int, list[GuardianView]] = {i: [] for i in child_ids}
    if not child_ids:
        return found
    rows = await session.execute(
        select(col(Guardianship.child_id), User)
        .join(User, col(User.id) == col(Guardianship.parent_id))
        .where(
            col(Guardianship.child_id).in_(child_ids),
            col(Guardianship.school_id) == actor.school_id,
        )
        .order_by(col(User.display_name), col(User.id))
    )
    for child_id, user in rows.all():
        found[int(child_id)].append(guardian_view(user))
    return found


async def classes(session: AsyncSession, actor: Actor) -> list[ClassCount]:
    """The school's classes with how many children each holds, by name."""
    require_staff(actor)
    rows = await session.execute(
        select(col(Child.class_name), func.count())
        .where(col(Child.school_id) == actor.school_id, col(Child.class_name).is_not(None))
        .group_by(col(Child.class_name))
        .order_by(col(Child.class_name))
    )
    return [ClassCount(str(name), int(count)) for name, count in rows.all()]


async def search_guardians(
    session: AsyncSession, actor: Actor, search: str, first: int = 50
) -> list[GuardianView]:
    """The school's parents whose name or e-mail holds every word of the search."""
    require_staff(actor)
    size = _page_size(first)
    users = (
        await session.scalars(
            select(User).where(
                col(User.school_id) == actor.school_id, col(User.role) == Role.PARENT
            )
        )
    ).all()
    words = fold(search).split()
    hits = [u for u in users if all(w in fold(f"{u.display_name} {u.email}") for w in words)]
    hits.sort(key=lambda u: (fold(u.display_name), u.id or 0))
    return [guardian_view(u) for u in hits[:size]]


async def school_parent(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """A parent account of the staff's school; anything else is NOT_FOUND."""
    require_staff(actor)
    user = await session.get(User, user_id)
    if user is None or user.school_id != actor.school_id or user.role != Role.PARENT:
        raise NotFound("guardianId")
    return user


async def school_child(session: AsyncSession, actor: Actor, child_id: int) -> Child:
    child = await session.get(Child, child_id)
    if child is None or child.school_id != actor.school_id:
        raise NotFound("childId")
    return child


async def unlink(session: AsyncSession, actor: Actor, guardian_id: int, child_id: int) -> bool:
    """Remove a guardianship; False when there was none."""
    await school_parent(session, actor, guardian_id)
    await school_child(session, actor, child_id)
    result = await session.execute(
        delete(Guardianship).where(
            col(Guardianship.parent_id) == guardian_id, col(Guardianship.child_id) == child_id
        )
    )
    return bool(getattr(result, "rowcount", 0))
