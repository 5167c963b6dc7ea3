"""School-local calendars: days and hours are the school's, timestamps are UTC."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def at_local(day: date, clock_time: time, tz: ZoneInfo) -> datetime:
    """That wall-clock time on that day in the school's zone, as UTC (DST-aware)."""
    return datetime.combine(day, clock_time, tzinfo=tz).astimezone(UTC)


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    return at_local(day, time(0, 0), tz)


def is_weekday(day: date) -> bool:
    return day.weekday() < 5


def school_days_before(day: date, count: int) -> date:
    """The school day `count` school days (Monday to Friday) before `day`."""
    current = day
    while count > 0:
        current -= timedelta(days=1)
        if is_weekday(current):
            count -= 1
    return current


def month_days(month: date) -> list[date]:
    """Every day of the month that `month` falls in."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return [first + timedelta(days=n) for n in range((following - first).days)]


def parse_month(text: str) -> date | None:
    """'2026-12' -> 2026-12-01; None for anything else."""
    try:
        parsed = datetime.strptime(text, "%Y-%m")
    except (TypeError, ValueError):
        return None
    if len(text) != 7 or not 2000 <= parsed.year <= 2100:
        return None
    return parsed.date()
