"""Operation and sales periods: calendar days of the school's time zone."""

from datetime import UTC, date, datetime

import pytest

from services.common.periods import Period, period_dates, window

BRUSSELS = "Europe/Brussels"


@pytest.mark.parametrize(
    ("period", "today", "expected"),
    [
        (Period.TODAY, date(2026, 3, 1), (date(2026, 3, 1), date(2026, 3, 2))),
        (Period.YESTERDAY, date(2026, 3, 1), (date(2026, 2, 28), date(2026, 3, 1))),
        (Period.LAST_7_DAYS, date(2026, 3, 1), (date(2026, 2, 23), date(2026, 3, 2))),
        (Period.LAST_30_DAYS, date(2026, 3, 1), (date(2026, 1, 31), date(2026, 3, 2))),
        (Period.THIS_MONTH, date(2026, 12, 15), (date(2026, 12, 1), date(2027, 1, 1))),
        (Period.LAST_MONTH, date(2026, 1, 15), (date(2025, 12, 1), date(2026, 1, 1))),
        (Period.THIS_SCHOOL_YEAR, date(2026, 8, 31), (date(2025, 9, 1), date(2026, 9, 1))),
        (Period.THIS_SCHOOL_YEAR, date(2026, 9, 1), (date(2026, 9, 1), date(2027, 9, 1))),
    ],
)
def test_presets(period: Period, today: date, expected: tuple[date, date]) -> None:
    assert period_dates(period, today) == expected


def test_days_start_at_local_midnight_across_summer_time() -> None:
    # 29 March 2026: Brussels moves from UTC+1 to UTC+2 at 02:00.
    now = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    assert window(BRUSSELS, now, period=Period.TODAY) == (
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
    )


def test_the_local_date_decides_what_today_is() -> None:
    late_evening_utc = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # already 1 November here
    start, _ = window(BRUSSELS, late_evening_utc, period=Period.THIS_MONTH)
    assert start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def test_a_custom_range_is_inclusive_and_wins_over_a_preset() -> None:
    now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert window(
        BRUSSELS, now, period=Period.TODAY, from_=date(2026, 10, 1), to=date(2026, 10, 31)
    ) == (
        datetime(2026, 9, 30, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 23, 0, tzinfo=UTC),
    )
    assert window(BRUSSELS, now)[0] == datetime(2026, 10, 3, 22, 0, tzinfo=UTC)
