"""Working-day arithmetic on the statutory calendar (pure, no database)."""

import datetime as dt

import time_machine

from huying.lib.workcal import SHANGHAI, WorkCalendar

WED_BEFORE_NATIONAL_DAY = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def test_one_working_day_skips_the_national_day_week():
    assert WorkCalendar().add(WED_BEFORE_NATIONAL_DAY, 1, "working_days") == at(10, 8, 10)


def test_five_working_days_count_the_make_up_saturday():
    # Sep 30, Oct 8, Oct 9, Oct 10 (调休 Saturday), Oct 12, and one hour of Oct 13.
    assert WorkCalendar().add(WED_BEFORE_NATIONAL_DAY, 5, "working_days") == at(10, 13, 10)


def test_an_administrators_override_wins_over_the_statutory_calendar():
    calendar = WorkCalendar(overrides={dt.date(2026, 10, 10): False})
    assert calendar.add(WED_BEFORE_NATIONAL_DAY, 5, "working_days") == at(10, 14, 10)


def test_working_hours_jump_the_lunch_break():
    calendar = WorkCalendar()
    assert calendar.add(at(9, 29, 11, 30), 1, "working_hours") == at(9, 29, 14, 0)


def test_work_starting_outside_hours_counts_from_the_next_opening():
    assert WorkCalendar().add(at(9, 29, 20, 0), 2, "working_hours") == at(9, 30, 11, 0)


def test_natural_durations_ignore_the_calendar():
    assert WorkCalendar().add(at(10, 1, 10), 30, "minutes") == at(10, 1, 10, 30)
    assert WorkCalendar().add(at(10, 1, 10), 2, "hours") == at(10, 1, 12)
    assert WorkCalendar().add(at(10, 1, 10), 1, "days") == at(10, 2, 10)


def test_years_the_package_does_not_know_fall_back_to_weekdays():
    friday = dt.datetime(2027, 3, 5, 10, 0, tzinfo=SHANGHAI)
    assert WorkCalendar().add(friday, 1, "working_days") == dt.datetime(2027, 3, 8, 10, 0, tzinfo=SHANGHAI)


def test_the_calendar_admin_warns_when_next_years_holidays_are_not_known(cast, client):
    from huying.catalog.models import CalendarDay
    from huying.lib.workcal import statutory_known

    assert statutory_known(2026) and not statutory_known(2090)
    cast.admin.is_superuser = True
    cast.admin.save()
    with time_machine.travel(dt.datetime(2089, 11, 24, tzinfo=dt.UTC), tick=False):
        client.force_login(cast.admin)
        assert "尚未包含 2090 年" in client.get("/admin/catalog/calendarday/").content.decode()
        CalendarDay.objects.create(date=dt.date(2090, 1, 1), is_workday=False, note="元旦")
        assert "尚未包含" not in client.get("/admin/catalog/calendarday/").content.decode()
