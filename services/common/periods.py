"""Periods of the operations and sales journals, as dates in the school's time zone."""

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

SCHOOL_YEAR_FIRST_MONTH = 9  # Belgian school years start on 1 September
EARLIEST = date(2000, 1, 1)


class Period(StrEnum):
    TODAY = "TODAY"
    YESTERDAY = "YESTERDAY"
    LAST_7_DAYS = "LAST_7_DAYS"
    LAST_30_DAYS = "LAST_30_DAYS"
    THIS_MONTH = "THIS_MONTH"
    LAST_MONTH = "LAST_MONTH"
    THIS_SCHOOL_YEAR = "THIS_SCHOOL_YEAR"


def _first_of_month(day: date, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def period_dates(period: Period, today: date) -> tuple[date, date]:
    """[first day, day after the last) of a preset, seen from `today`."""
    tomorrow = today + timedelta(days=1)
    match period:
        case Period.TODAY:
            return today, tomorrow
        case Period.YESTERDAY:
            return today - timedelta(days=1), today
        case Period.LAST_7_DAYS:
            return today - timedelta(days=6), tomorrow
        case Period.LAST_30_DAYS:
            return today - timedelta(days=29), tomorrow
        case Period.THIS_MONTH:
            return _first_of_month(today), _first_of_month(today, 1)
        case Period.LAST_MONTH:
            return _first_of_month(today, -1), _first_of_month(today)
        case Period.THIS_SCHOOL_YEAR:
            year = today.year if today.month >= SCHOOL_YEAR_FIRST_MONTH else today.year - 1
            start = date(year, SCHOOL_YEAR_FIRST_MONTH, 1)
            return start, start.replace(year=year + 1)


def window(
    timezone: str,
    now: datetime,
    *,
    period: Period | None = None,
    from_: date | None = None,
    to: date | None = None,
) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) to read. A custom `from`/`to` (inclusive days) wins over a
    preset; with neither, the last 30 days."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    if from_ is not None or to is not None:
        first, after = from_ or EARLIEST, (to or today) + timedelta(days=1)
    else:
        first, after = period_dates(period or Period.LAST_30_DAYS, today)

    def instant(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)

    return instant(first), instant(after)
