"""The working calendar as configured: statutory days, the administrator's overrides and working hours."""

from huying.catalog.models import CalendarDay, WorkingPeriod
from huying.lib.workcal import DEFAULT_PERIODS, WorkCalendar


def calendar_current() -> WorkCalendar:
    """Build the calendar from the override and working-period tables (defaults where they are empty)."""
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    periods = tuple(WorkingPeriod.objects.values_list("start", "end")) or DEFAULT_PERIODS
    return WorkCalendar(overrides=overrides, periods=periods)
