"""Cut-offs in the school's time zone: the edges, daylight saving, other zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.common.school_time import month_days, parse_month, school_days_before
from services.meals.rules import MealRule

BRUSSELS = ZoneInfo("Europe/Brussels")


def local(
    day: date, hour: int, minute: int = 0, second: int = 0, tz: ZoneInfo = BRUSSELS
) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=tz).astimezone(UTC)


def test_the_day_before_at_ten_is_the_edge() -> None:
    rule = MealRule(BRUSSELS)
    thursday = date(2026, 12, 3)
    assert rule.open(thursday, local(date(2026, 12, 2), 9, 59, 59))
    assert not rule.open(thursday, local(date(2026, 12, 2), 10, 0, 0))


def test_monday_closes_on_the_friday_before() -> None:
    rule = MealRule(BRUSSELS)
    monday = date(2026, 12, 7)
    assert rule.cutoff(monday) == local(date(2026, 12, 4), 10)
    assert not rule.open(monday, local(date(2026, 12, 5), 8))  # Saturday: already closed


def test_across_daylight_saving_changes() -> None:
    rule = MealRule(BRUSSELS)
    # Summer time ends on Sunday 25 October 2026: Friday 23 is CEST (UTC+2), Monday 26 CET.
    monday = date(2026, 10, 26)
    assert rule.cutoff(monday) == datetime(2026, 10, 23, 8, 0, tzinfo=UTC)
    # Summer time starts on Sunday 29 March 2026: the cut-off for Monday 30 is Friday 27 (CET).
    assert rule.cutoff(date(2026, 3, 30)) == datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    # A cut-off the day after the change is at the new offset.
    tuesday = date(2026, 10, 27)
    assert rule.cutoff(tuesday) == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert rule.open(tuesday, datetime(2026, 10, 26, 8, 59, 59, tzinfo=UTC))
    assert not rule.open(tuesday, datetime(2026, 10, 26, 9, 0, tzinfo=UTC))


def test_a_school_in_another_time_zone() -> None:
    montreal = ZoneInfo("America/Montreal")
    rule = MealRule(montreal, cutoff_days_before=2, cutoff_time=time(18, 30))
    friday = date(2026, 12, 4)
    # Two school days before Friday is Wednesday, 18:30 in Montréal = 23:30 UTC.
    assert rule.cutoff(friday) == datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert rule.open(friday, datetime(2026, 12, 2, 23, 29, 59, tzinfo=UTC))
    assert not rule.open(friday, datetime(2026, 12, 2, 23, 30, tzinfo=UTC))


def test_the_horizon_is_counted_from_the_school_day_today() -> None:
    rule = MealRule(BRUSSELS, horizon_days=60)
    # 23:30 UTC on 1 December is already 2 December in Brussels.
    now = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert rule.today(now) == date(2026, 12, 2)
    assert rule.within_horizon(date(2026, 12, 2) + timedelta(days=60), now)
    assert not rule.within_horizon(date(2026, 12, 2) + timedelta(days=61), now)


def test_school_days_and_months() -> None:
    assert school_days_before(date(2026, 12, 7), 1) == date(2026, 12, 4)
    assert school_days_before(date(2026, 12, 9), 3) == date(2026, 12, 4)
    assert [
        len(month_days(date(y, m, 1))) for y, m in ((2026, 2), (2028, 2), (2026, 11), (2026, 12))
    ] == [28, 29, 30, 31]
    assert parse_month("2026-12") == date(2026, 12, 1)
    for bad in ("2026-13", "2026-1", "26-12", "december", "", "2026-12-01", "1999-01"):
        assert parse_month(bad) is None, bad
