"""The school year's change: every class moves up by a mapping old class -> new class.

The mapping is applied at once (1A -> 2A and 2A -> 3A do not chain), in one statement per
class, so children, their communications and wallets stay as they are; leavers stay put.
"""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlmodel import col

from models.family import Child
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.family.children import require_staff
from services.sql.uow import UnitOfWork


@dataclass(frozen=True)
class ClassMove:
    old: str
    new: str


async def move_classes(uow: UnitOfWork, actor: Actor, moves: list[ClassMove]) -> int:
    """How many children changed class."""
    require_staff(actor)
    mapping: dict[str, str] = {}
    for move in moves:
        old, new = move.old.strip(), move.new.strip()
        if not old or not new or len(new) > 50:
            raise DomainError(ErrorCode.INVALID_INPUT, "moves")
        if old in mapping and mapping[old] != new:
            raise DomainError(ErrorCode.INVALID_INPUT, "moves")
        mapping[old] = new
    rows = (
        await uow.session.execute(
            select(col(Child.id), col(Child.class_name)).where(
                col(Child.school_id) == actor.school_id,
                col(Child.class_name).in_(list(mapping)),
                col(Child.left_at).is_(None),
            )
        )
    ).all()
    # Chosen before any update: a child moved from 1A to 2A is not moved again as a 2A.
    by_class: dict[str, list[int]] = {}
    for child_id, class_name in rows:
        by_class.setdefault(str(class_name), []).append(int(child_id or 0))
    moved = 0
    for old, ids in by_class.items():
        if mapping[old] == old:
            continue
        await uow.session.execute(
            update(Child).where(col(Child.id).in_(ids)).values(class_name=mapping[old])
        )
        moved += len(ids)
    return moved
