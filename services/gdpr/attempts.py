"""When a background export cannot be built: wait longer each time, and after
DATA_EXPORT_MAX_ATTEMPTS give up and tell the parent, rather than retrying forever in silence.

Every change here is a conditional UPDATE on (id, status BUILDING, attempts): a row another
worker took over meanwhile (its claim counted one more attempt) is left to that worker.
"""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col

from models.accounts import User
from models.family import School
from models.gdpr import DataExport, ExportStatus
from services.common.notify import send_mail
from services.sql.uow import UnitOfWork


def retry_delay(base_seconds: float, attempt: int) -> timedelta:
    """After the n-th failed build: base, 2 × base, 4 × base ..."""
    return timedelta(seconds=base_seconds * 2 ** max(attempt - 1, 0))


async def build_failed(uow: UnitOfWork, export_id: int, user_id: int, attempt: int) -> bool:
    """Record the failure of build number `attempt`: PENDING again until a later retry, or
    FAILED (and the parent mailed) when it was the last one. True when given up."""
    settings = uow.settings
    if attempt < settings.data_export_max_attempts:
        retry_at = uow.now + retry_delay(settings.data_export_retry_seconds, attempt)
        await uow.session.execute(
            update(DataExport)
            .where(
                col(DataExport.id) == export_id,
                col(DataExport.status) == ExportStatus.BUILDING,
                col(DataExport.attempts) == attempt,
            )
            .values(status=ExportStatus.PENDING, retry_at=retry_at, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
        return False
    return await give_up(uow, export_id, user_id, ExportStatus.BUILDING, attempt)


async def give_up(
    uow: UnitOfWork, export_id: int, user_id: int, status: ExportStatus, attempts: int
) -> bool:
    """FAILED, and one mail to the parent, if the row is still as seen (else another worker
    did it)."""
    done = await uow.session.execute(
        update(DataExport)
        .where(
            col(DataExport.id) == export_id,
            col(DataExport.status) == status,
            col(DataExport.attempts) == attempts,
        )
        .values(status=ExportStatus.FAILED, retry_at=None, gone_at=uow.now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    row = await uow.session.get(DataExport, export_id)
    user = await uow.session.get(User, user_id)
    assert row is not None and user is not None
    school = await uow.session.get(School, user.school_id)
    await send_mail(
        uow,
        to=user.email,
        template="data_export_failed",
        locale=user.locale,
        school_id=user.school_id,
        context={
            "display_name": user.display_name,
            "school_name": school.name if school else "",
            "requested_at": row.requested_at,
            "time_zone": school.timezone if school else "Europe/Brussels",
        },
    )
    return True
