"""Status at read time, in the school's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from services.billing.status import InvoiceStatus, status_of
from services.billing.views import InvoiceView

BRUSSELS = ZoneInfo("Europe/Brussels")


def invoice(paid: int = 0, credited: int = 0) -> InvoiceView:
    return InvoiceView(
        id=1,
        school_id=1,
        child_id=1,
        school_year=2026,
        number=1,
        title="Excursion",
        issued_on=date(2026, 11, 2),
        due_on=date(2026, 11, 30),
        total_cents=2000,
        paid_cents=paid,
        credited_cents=credited,
        communication="",
        document_id=None,
    )


def test_overdue_starts_at_midnight_after_the_due_date_in_brussels() -> None:
    # 23:59:59 on 30 November in Brussels is 22:59:59 UTC; midnight is 23:00:00 UTC.
    last_second = datetime(2026, 11, 30, 22, 59, 59, tzinfo=UTC)
    midnight = datetime(2026, 11, 30, 23, 0, 0, tzinfo=UTC)
    assert status_of(invoice(), last_second, BRUSSELS) == InvoiceStatus.OPEN
    assert status_of(invoice(), midnight, BRUSSELS) == InvoiceStatus.OVERDUE


def test_paid_credited_and_partly_paid() -> None:
    late = datetime(2026, 12, 15, tzinfo=UTC)
    assert status_of(invoice(paid=2000), late, BRUSSELS) == InvoiceStatus.PAID
    assert status_of(invoice(credited=2000), late, BRUSSELS) == InvoiceStatus.CREDITED
    assert status_of(invoice(paid=500, credited=1500), late, BRUSSELS) == InvoiceStatus.PAID
    assert status_of(invoice(paid=500), late, BRUSSELS) == InvoiceStatus.OVERDUE
    assert invoice(paid=500, credited=300).due_cents == 1200
