"""The screen's live counts and lists on a small September with answers worked out by hand (clock: Wed 2026-09-30
10:00); its rates are the ledger's (test_work_screen_rates)."""

import datetime as dt

import pytest

from huying.cases.services import case_accept, case_invalidate, case_merge, case_resolve
from huying.workbench.screen.board import board
from huying.workbench.screen.stats import Periods, area_cases, counts_by, live_counts
from tests.cast import FROZEN_NOW
from tests.test_work_map_scope import elsewhere  # noqa: F401  (fixture: a second district with a grid)

SHANGHAI = FROZEN_NOW.tzinfo


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def september(cast, clock, new_case, elsewhere):  # noqa: F811
    """Seven cases of the district and one elsewhere; each comment says how it counts.

    Sanitation (A2 → 幸福里社区): respond within 2 h, complete within 1 working day.
    Trees (C → 园林局): respond within 1 working day, complete within 5 working days.
    """
    cases = {}
    clock.move_to(at(31, 9, month=8))
    cases["august"] = new_case(description="八月的垃圾问题")  # last month: only in "overdue now"
    clock.move_to(at(1, 9))
    cases["on_time"] = new_case(description="按时签收并办结")  # accepted 10:00 ≤ 11:00, resolved
    cases["late"] = new_case(description="超时签收未办结", channel="web")  # accepted 12:00 > 11:00, due 9/2, open
    clock.move_to(at(1, 10))
    case_accept(case=cases["on_time"], by=cast.community_staff)
    clock.move_to(at(1, 12))
    case_accept(case=cases["late"], by=cast.community_staff)
    clock.move_to(at(1, 15))
    case_resolve(case=cases["on_time"], by=cast.community_staff, result="已清运")
    clock.move_to(at(10, 9))
    cases["merged"] = new_case(description="重复反映")  # merged: counted by channel/status, not in the rates
    case_merge(case=cases["merged"], into=cases["late"], by=cast.community_staff)
    cases["invalid"] = new_case(description="无效诉求", channel="web")  # invalid: likewise
    case_invalidate(case=cases["invalid"], by=cast.command, reason="测试")
    clock.move_to(at(29, 9))
    cases["unanswered"] = new_case(category=cast.trees, description="树枝挡路",  # response due 9/30 09:00, missed
                                   address="", lat=30.705, lon=114.405)  # in 桃园网格1 (西山街道)
    clock.move_to(at(30, 9, 30))
    cases["today"] = new_case(description="今天的新诉求", urgency="emergency")  # nothing due yet
    cases["elsewhere"] = new_case(description="别区的诉求", address="", lat=31.005, lon=115.005)
    clock.move_to(FROZEN_NOW)
    return cases


def test_counts_by_channel_status_category_and_street_for_today_and_this_month(cast, september):
    figures = board(cast.centre.scope_path(), FROZEN_NOW)
    # august and late are past their completion deadline, unanswered past its response deadline
    assert figures["totals"] == {"today": 1, "month": 6, "open": 4, "overdue": 3}
    breakdowns = figures["breakdowns"]
    assert by_label(breakdowns["channel"]) == {"12345热线": (1, 4), "网上报事": (0, 2)}
    assert by_label(breakdowns["status"]) == {"已签收": (0, 1), "已办结": (0, 1), "已并单": (0, 1), "无效": (0, 1),
                                              "已派单": (1, 2)}
    assert by_label(breakdowns["category"]) == {"城乡建设": (1, 6)}  # both trees and sanitation roll up to it
    assert by_label(breakdowns["street"]) == {"东湖街道": (1, 5), "西山街道": (0, 1)}
    assert breakdowns["channel"]["labels"][0] == "12345热线"  # biggest month first


def by_label(series: dict) -> dict:
    return {label: (today, month)
            for label, today, month in zip(series["labels"], series["today"], series["month"], strict=True)}


def test_another_districts_cases_never_count(cast, september, elsewhere):  # noqa: F811
    district = elsewhere.path.split("/")[:3]
    theirs = board("/".join(district) + "/", FROZEN_NOW)
    assert theirs["totals"] == {"today": 1, "month": 1, "open": 1, "overdue": 0}
    ours = board(cast.centre.scope_path(), FROZEN_NOW)
    assert september["elsewhere"].number not in str(ours)


def test_a_street_sees_only_its_own_cases(cast, september):
    east = board(cast.east.path, FROZEN_NOW)
    assert east["totals"]["month"] == 5  # the trees case in 西山街道 is not the east street's
    assert by_label(east["breakdowns"]["street"]) == {"东湖街道": (1, 5)}


def test_no_cases_gives_no_rates_rather_than_a_division_error(cast):
    figures = board(cast.centre.scope_path(), FROZEN_NOW)
    assert figures["totals"] == {"today": 0, "month": 0, "open": 0, "overdue": 0}
    rates = {name: figures["rates"][name] for name in ("response", "solved", "satisfied", "composite")}
    assert {name: r["text"] for name, r in rates.items()} == dict.fromkeys(rates, "—")
    assert all(r["value"] is None for r in rates.values())
    assert figures["breakdowns"]["channel"] == {"labels": [], "today": [], "month": []}
    assert figures["overdue"] == [] and figures["emergencies"] == []


def test_overdue_and_emergency_lists_name_the_cases(cast, september):
    figures = board(cast.centre.scope_path(), FROZEN_NOW)
    overdue = [row["number"] for row in figures["overdue"]]
    # most recently overdue first: unanswered (response, 9/30), late (completion, 9/2), august
    assert overdue == [september["unanswered"].number, september["late"].number, september["august"].number]
    assert figures["overdue"][0]["unit"] == "园林局" and figures["overdue"][0]["late"].startswith("超期")
    assert figures["overdue"][1]["unit"] == "幸福里社区"
    assert [row["number"] for row in figures["emergencies"]] == [september["today"].number]


def test_counts_come_from_aggregate_queries_not_a_loop_over_cases(cast, september, django_assert_num_queries):
    cases, periods = area_cases(cast.centre.scope_path()), Periods.at(FROZEN_NOW)
    with django_assert_num_queries(2):
        channels, live = counts_by(cases, "channel", periods), live_counts(cases, FROZEN_NOW)
    assert (sum(month for _key, _today, month in channels), live["open"]) == (6, 4)
