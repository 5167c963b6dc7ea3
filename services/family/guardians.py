"""Who hears about a child: the accounts of its guardians."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.family import Guardianship


async def guardian_accounts(session: AsyncSession, child_id: int) -> Sequence[User]:
    """The child's guardians' accounts, oldest account first (the order mails go out in)."""
    return (
        await session.scalars(
            select(User)
            .join(Guardianship, col(Guardianship.parent_id) == col(User.id))
            .where(col(Guardianship.child_id) == child_id)
            .order_by(col(User.id))
        )
    ).all()
