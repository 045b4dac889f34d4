import datetime as dt

from huying.catalog.models import CalendarDay, TierDeadline
from huying.lib.workcal import SHANGHAI


def test_district_case_deadlines_cross_the_holiday_and_count_the_make_up_day(cast, new_case):
    case = new_case(category=cast.trees, description="小区门口的树枝快压到电线了")
    assert case.current_unit == cast.parks
    assert case.response_due_at == dt.datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)
    assert case.completion_due_at == dt.datetime(2026, 10, 13, 10, 0, tzinfo=SHANGHAI)


def test_calendar_override_in_the_table_moves_the_deadline(cast, new_case):
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_workday=False, note="测试：取消调休")
    case = new_case(category=cast.trees, description="树木修剪")
    assert case.completion_due_at == dt.datetime(2026, 10, 14, 10, 0, tzinfo=SHANGHAI)


def test_natural_hour_tier_ignores_the_holiday(cast, new_case, clock):
    clock.move_to(dt.datetime(2026, 10, 2, 9, 0, tzinfo=SHANGHAI))
    case = new_case()
    assert case.response_due_at == dt.datetime(2026, 10, 2, 11, 0, tzinfo=SHANGHAI)


def test_request_type_override_beats_the_tier_default(cast, new_case):
    TierDeadline.objects.create(tier=cast.tier_a2, request_type=cast.consult, response_amount=15,
                                response_unit="minutes", completion_amount=1, completion_unit="hours")
    case = new_case(request_type=cast.consult)
    assert case.response_due_at == dt.datetime(2026, 9, 30, 10, 15, tzinfo=SHANGHAI)
    assert case.completion_due_at == dt.datetime(2026, 9, 30, 11, 0, tzinfo=SHANGHAI)
