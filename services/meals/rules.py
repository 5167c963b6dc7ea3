"""When a meal day can be reserved or cancelled: offered, before its cut-off, within the horizon."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.meals import MealSettings
from services.common.school_time import at_local, local_today, school_days_before

DEFAULT_CUTOFF_DAYS_BEFORE = 1
DEFAULT_CUTOFF_TIME = time(10, 0)
DEFAULT_HORIZON_DAYS = 60


@dataclass(frozen=True)
class MealRule:
    tz: ZoneInfo
    cutoff_days_before: int = DEFAULT_CUTOFF_DAYS_BEFORE
    cutoff_time: time = DEFAULT_CUTOFF_TIME
    horizon_days: int = DEFAULT_HORIZON_DAYS

    @classmethod
    def of(cls, timezone: str, settings: MealSettings | None) -> "MealRule":
        if settings is None:
            return cls(ZoneInfo(timezone))
        return cls(
            ZoneInfo(timezone),
            settings.cutoff_days_before,
            settings.cutoff_time,
            settings.horizon_days,
        )

    def cutoff(self, day: date) -> datetime:
        """The UTC instant reservations for `day` close."""
        return at_local(school_days_before(day, self.cutoff_days_before), self.cutoff_time, self.tz)

    def today(self, now: datetime) -> date:
        return local_today(now, self.tz)

    def within_horizon(self, day: date, now: datetime) -> bool:
        return day <= self.today(now) + timedelta(days=self.horizon_days)

    def open(self, day: date, now: datetime) -> bool:
        """Still time to reserve or cancel for that day (whether or not it is offered)."""
        return now < self.cutoff(day) and self.within_horizon(day, now)
