"""An invoice's status, computed at read time: no job turns an invoice red."""

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from services.billing.views import InvoiceView
from services.common.school_time import local_today


class InvoiceStatus(StrEnum):
    OPEN = "OPEN"
    PAID = "PAID"
    OVERDUE = "OVERDUE"
    CREDITED = "CREDITED"


def status_of(invoice: InvoiceView, now: datetime, tz: ZoneInfo) -> InvoiceStatus:
    """CREDITED once fully credited; PAID once nothing is due; OVERDUE from the day after the
    due date in the school's time zone; OPEN before."""
    if invoice.credited_cents >= invoice.total_cents:
        return InvoiceStatus.CREDITED
    if invoice.due_cents == 0:
        return InvoiceStatus.PAID
    if local_today(now, tz) > invoice.due_on:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.OPEN
