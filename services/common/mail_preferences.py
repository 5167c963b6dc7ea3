"""Which mails a user gets: every kind unless they opted out; the legally needed ones always go.

`send_mail` asks `accepts` once per mail, so every sending place respects the choice.
"""

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.accounts import User
from models.db import dialect_insert
from models.mail_preferences import MailOptOut
from services.accounts.actor import Actor
from services.common.errors import DomainError, ErrorCode
from services.sql.uow import UnitOfWork

# Kinds are template names. Account access and money documents cannot be refused.
REQUIRED = frozenset(
    {
        "invitation",
        "password_reset",
        "invoice",
        "receipt",
        "data_export",
        "data_export_failed",  # the answer to their own request, as the link would have been
        "bank_transfer_received",
        "invoice_transfer_received",
    }
)
OPTIONAL = (
    "low_balance",
    "meal_day_closed",
    "appointment",
    "document_published",
    "bank_transfer_missing",
    "invoice_reminder",  # the invoice itself (required) already told them
)


@dataclass(frozen=True)
class MailPreference:
    kind: str
    enabled: bool
    required: bool


async def accepts(session: AsyncSession, to: str, school_id: int | None, kind: str) -> bool:
    if kind in REQUIRED:
        return True
    refused = select(col(MailOptOut.user_id)).join(User, col(User.id) == col(MailOptOut.user_id))
    refused = refused.where(col(User.email) == to, col(MailOptOut.kind) == kind)
    if school_id is not None:
        refused = refused.where(col(User.school_id) == school_id)
    return await session.scalar(refused.limit(1)) is None


async def preferences(session: AsyncSession, actor: Actor) -> list[MailPreference]:
    off = set(
        (
            await session.scalars(
                select(col(MailOptOut.kind)).where(col(MailOptOut.user_id) == actor.user_id)
            )
        ).all()
    )
    optional = [MailPreference(kind, kind not in off, False) for kind in OPTIONAL]
    return optional + [MailPreference(kind, True, True) for kind in sorted(REQUIRED)]


async def set_preference(
    uow: UnitOfWork, actor: Actor, kind: str, enabled: bool
) -> list[MailPreference]:
    if kind not in OPTIONAL:  # required kinds and unknown ones alike
        raise DomainError(ErrorCode.INVALID_INPUT, "kind")
    if enabled:
        await uow.session.execute(
            delete(MailOptOut).where(
                col(MailOptOut.user_id) == actor.user_id, col(MailOptOut.kind) == kind
            )
        )
    else:
        insert = dialect_insert(uow.dialect)(MailOptOut).values(user_id=actor.user_id, kind=kind)
        await uow.session.execute(insert.on_conflict_do_nothing())
    return await preferences(uow.session, actor)
