"""Working-day arithmetic (工作日计算) over the Chinese statutory calendar.

Holidays and make-up working days (调休) come from the maintained `chinese_calendar` package; an
administrator's overrides win over it; years the package does not know yet fall back to Monday–Friday
until the administrator enters that year's announcement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS = ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))
_MAX_DAYS_SCANNED = 3660  # a deadline more than ten years out is a configuration error, not a loop


def statutory_is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the package has no data for that year yet
        return day.weekday() < 5


def statutory_known(year: int) -> bool:
    """Whether the package carries the State Council's holiday announcement for `year`."""
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_PERIODS
    tz: dt.tzinfo = SHANGHAI

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return statutory_is_workday(day)

    def minutes_per_day(self) -> int:
        return sum(_minutes_between(a, b) for a, b in self.periods)

    def add(self, start: dt.datetime, amount: int, unit: str) -> dt.datetime:
        """The moment `amount` `unit`s after `start` (aware datetime in, aware datetime out)."""
        if unit == "minutes":
            return start + dt.timedelta(minutes=amount)
        if unit == "hours":
            return start + dt.timedelta(hours=amount)
        if unit == "days":
            return start + dt.timedelta(days=amount)
        if unit == "working_hours":
            return self.add_working_minutes(start, amount * 60)
        if unit == "working_days":
            # N working days = N full working days of working time: dispatched Friday 10:00 with one
            # working day, due Monday 10:00; a holiday week in between is skipped.
            return self.add_working_minutes(start, amount * self.minutes_per_day())
        raise ValueError(f"unknown duration unit: {unit}")

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        local = start.astimezone(self.tz)
        remaining = dt.timedelta(minutes=minutes)
        day = local.date()
        for _ in range(_MAX_DAYS_SCANNED):
            if self.is_workday(day):
                for begin, end in self._windows(day):
                    begin = max(begin, local)
                    if begin >= end:
                        continue
                    if remaining <= end - begin:
                        return (begin + remaining).astimezone(start.tzinfo)
                    remaining -= end - begin
            day += dt.timedelta(days=1)
        raise ValueError("deadline beyond the calendar's reach")

    def _windows(self, day: dt.date) -> Iterable[tuple[dt.datetime, dt.datetime]]:
        for a, b in self.periods:
            yield (dt.datetime.combine(day, a, self.tz), dt.datetime.combine(day, b, self.tz))


def _minutes_between(a: dt.time, b: dt.time) -> int:
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
