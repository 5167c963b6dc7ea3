"""Mail from services: queued in the caller's transaction, sent after commit by the worker."""

from collections.abc import Mapping, Sequence
from typing import Any

from services.common.mail_preferences import accepts
from services.sql.uow import UnitOfWork


async def send_mail(
    uow: UnitOfWork,
    *,
    to: str,
    template: str,
    locale: str,
    context: Mapping[str, Any],
    school_id: int | None = None,
    attachments: Sequence[Any] = (),
) -> None:
    if uow.outbox is None:
        raise RuntimeError("this unit of work has no mail outbox")
    if not await accepts(uow.session, to, school_id, template):
        return  # the recipient chose not to get this kind of mail
    await uow.outbox.enqueue(
        uow.session,
        to=to,
        template=template,
        locale=locale,
        context=context,
        now=uow.now,
        school_id=school_id,
        attachments=attachments,
    )
    uow.mail_enqueued = True
