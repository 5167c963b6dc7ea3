"""The school's invoice settings, staff only: reminder mails, partial wallet payments and the
postal address printed under the school's name on invoices."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from models.family import School
from services.accounts.actor import Actor
from services.billing.publishing import school_address
from services.common.errors import DomainError, ErrorCode
from services.family.children import get_school, require_staff
from services.sql.uow import UnitOfWork

MAX_DAYS_BEFORE = 30


@dataclass(frozen=True)
class InvoiceSettings:
    reminders: bool
    reminder_days_before: int
    partial_payments: bool
    address: tuple[str, ...] = ()  # as printed on invoices

    @staticmethod
    def of(school: School) -> "InvoiceSettings":
        return InvoiceSettings(
            reminders=school.invoice_reminders,
            reminder_days_before=school.invoice_reminder_days_before,
            partial_payments=school.invoice_partial_payments,
            address=school_address(school),
        )


async def invoice_settings(session: AsyncSession, actor: Actor) -> InvoiceSettings:
    require_staff(actor)
    return InvoiceSettings.of(await get_school(session, actor.school_id))


async def set_invoice_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    reminders: bool | None = None,
    reminder_days_before: int | None = None,
    partial_payments: bool | None = None,
) -> InvoiceSettings:
    """Omitted values stay. Changed through the ORM row so the audit trail sees before/after."""
    require_staff(actor)
    if reminder_days_before is not None and not 1 <= reminder_days_before <= MAX_DAYS_BEFORE:
        raise DomainError(ErrorCode.INVALID_INPUT, "reminderDaysBefore")
    school = await get_school(uow.session, actor.school_id)
    if reminders is not None:
        school.invoice_reminders = reminders
    if reminder_days_before is not None:
        school.invoice_reminder_days_before = reminder_days_before
    if partial_payments is not None:
        school.invoice_partial_payments = partial_payments
    uow.session.add(school)
    await uow.session.flush()
    return InvoiceSettings.of(school)


# Field name, column, longest text.
_ADDRESS = (
    ("street", "address_street", 200),
    ("postcode", "address_postcode", 10),
    ("city", "address_city", 100),
)


async def set_school_address(
    uow: UnitOfWork, actor: Actor, *, street: str, postcode: str, city: str
) -> InvoiceSettings:
    """All three parts at once, each required: a half address is not printed."""
    require_staff(actor)
    given = {"street": street.strip(), "postcode": postcode.strip(), "city": city.strip()}
    school = await get_school(uow.session, actor.school_id)
    for name, column, longest in _ADDRESS:
        if not given[name] or len(given[name]) > longest:
            raise DomainError(ErrorCode.INVALID_INPUT, name)
        setattr(school, column, given[name])
    uow.session.add(school)
    await uow.session.flush()
    return InvoiceSettings.of(school)
