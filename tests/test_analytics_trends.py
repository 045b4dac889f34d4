"""The trends page (趋势分析): counts per day or week by category, channel, type and place; response and completion
times as distributions; repeat callers under a pseudonym; cases per 10,000 residents; the Excel export.

Clock: Wed 2026-09-30 10:00 (Asia/Shanghai). Sanitation complaints at 幸福里3号楼 go to 幸福里社区 (东湖街道);
a case placed at (114.405, 30.705) lies in 桃园网格1 (西山街道).
"""

import datetime as dt
import io
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from huying.analytics.refresh import measures_refresh_all
from huying.analytics.trends import TrendFilters, trends_report
from huying.cases.services import case_accept, case_resolve
from huying.lib.pii import caller_key
from tests.cast import FROZEN_NOW

SHANGHAI = FROZEN_NOW.tzinfo
WEST = {"address": "", "lat": 30.705, "lon": 114.405}
PAGE = reverse("analytics:trends")
EXPORT = reverse("analytics:trends_export")


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def september(**changes) -> TrendFilters:
    fields = {"start": dt.date(2026, 9, 1), "end": dt.date(2026, 9, 30), **changes}
    return TrendFilters(**fields)


def by_name(breakdown) -> dict[str, int]:
    return {item.name: item.total for item in breakdown.items}


def on_day(report, key: str, day: dt.date) -> dict[str, int]:
    breakdown = next(b for b in report.breakdowns if b.key == key)
    position = report.buckets.index(day)
    return {item.name: item.counts[position] for item in breakdown.items if item.counts[position]}


@pytest.fixture
def mixed(cast, clock, new_case):
    """Five cases on two days of September, of two categories, two channels, two types and two streets."""
    clock.move_to(at(9, 1, 9))
    new_case()  # 城乡建设 › 垃圾清运, hotline, 投诉, 东湖街道
    new_case(channel="web", request_type=cast.consult)
    new_case(category=cast.noise, **WEST)  # 环境保护, 西山街道
    clock.move_to(at(9, 2, 23, 30))  # late evening local time: still the 2nd, though already the 2nd in UTC too
    new_case(category=cast.trees)
    clock.move_to(at(9, 3, 0, 30))  # 16:30 UTC on the 2nd: counts on the 3rd, the local day
    new_case(channel="web", **WEST)
    clock.move_to(FROZEN_NOW)


def test_cases_are_counted_per_local_day_by_category_channel_type_and_street(cast, mixed):
    report = trends_report(cast.command, september())
    assert report.total == 5
    assert on_day(report, "category", dt.date(2026, 9, 1)) == {"城乡建设": 2, "环境保护": 1}
    assert on_day(report, "category", dt.date(2026, 9, 2)) == {"城乡建设": 1}
    assert on_day(report, "category", dt.date(2026, 9, 3)) == {"城乡建设": 1}
    assert on_day(report, "channel", dt.date(2026, 9, 1)) == {"12345热线": 2, "网上报事": 1}
    assert on_day(report, "type", dt.date(2026, 9, 1)) == {"投诉": 2, "咨询": 1}
    assert on_day(report, "place", dt.date(2026, 9, 1)) == {"东湖街道": 2, "西山街道": 1}
    assert on_day(report, "place", dt.date(2026, 9, 3)) == {"西山街道": 1}
    assert len(report.buckets) == 30


def test_weeks_start_on_monday_and_sum_their_days(cast, mixed):
    report = trends_report(cast.command, september(interval="week"))
    assert report.buckets[0] == dt.date(2026, 8, 31)  # the Monday of the week of 1 September
    assert on_day(report, "channel", dt.date(2026, 8, 31)) == {"12345热线": 3, "网上报事": 2}
    assert report.bucket_labels()[0] == "2026-08-31 当周"


def test_a_category_root_counts_its_second_level_and_leaves_the_other_roots_out(cast, mixed):
    report = trends_report(cast.command, september(category=cast.sanitation.parent.parent))
    assert report.total == 4
    assert by_name(report.breakdowns[0]) == {"市容环卫": 3, "园林绿化": 1}


def test_channel_type_and_street_filters_narrow_every_breakdown(cast, mixed):
    assert trends_report(cast.command, september(channel="web")).total == 2
    assert trends_report(cast.command, september(request_type=cast.consult)).total == 1
    west = trends_report(cast.command, september(street=cast.west))
    assert west.total == 2
    assert by_name(west.breakdowns[3]) == {"桃园社区": 2}  # one street: its communities


def test_the_default_range_is_the_last_90_days_and_the_form_shows_it(cast, clock, new_case, client):
    clock.move_to(FROZEN_NOW - dt.timedelta(days=90))
    new_case(description="九十天前")  # 2 July: outside
    clock.move_to(FROZEN_NOW - dt.timedelta(days=89))
    new_case(description="八十九天前")  # 3 July: inside
    clock.move_to(FROZEN_NOW)
    client.force_login(cast.command)
    response = client.get(PAGE)
    assert response.context["report"].total == 1
    assert response.context["report"].filters.start == dt.date(2026, 7, 3)
    html = response.content.decode()
    assert 'value="2026-07-03"' in html and 'value="2026-09-30"' in html


@pytest.fixture
def timed(cast, clock, new_case):
    """Four cases received 1 Sep 09:00, first answered after 10 min, 30 min, 90 min and 5 h; two of them
    completed, after 3 h and after 3 days 20 min."""
    clock.move_to(at(9, 1, 9))
    cases = [new_case(description=f"第{i}件") for i in range(4)]
    for case, minutes in zip(cases, (10, 30, 90, 300), strict=True):
        clock.move_to(at(9, 1, 9) + dt.timedelta(minutes=minutes))
        case_accept(case=case, by=cast.community_staff)
    clock.move_to(at(9, 1, 12))
    case_resolve(case=cases[0], by=cast.community_staff, result="已清运")
    clock.move_to(at(9, 4, 9, 20))
    case_resolve(case=cases[1], by=cast.community_staff, result="已清运")
    clock.move_to(FROZEN_NOW)
    measures_refresh_all()
    return cases


def test_response_and_completion_times_are_percentiles_and_an_hour_histogram(cast, timed):
    report = trends_report(cast.command, september())
    response = report.response
    assert response.count == 4
    assert response.mean == pytest.approx(107.5)
    assert response.percentiles == {50: 30, 90: 300, 95: 300}  # nearest rank: 2nd and 4th of four
    assert dict(response.histogram) == {"0–1小时": 2, "1–2小时": 1, "2–4小时": 0, "4–8小时": 1, "8–12小时": 0,
                                        "12–24小时": 0, "24–48小时": 0, "48–72小时": 0, "72–120小时": 0,
                                        "120–168小时": 0, "168小时以上": 0}
    completion = report.completion
    assert completion.count == 2
    assert completion.mean == pytest.approx((180 + 4340) / 2)  # the mean is exact
    assert completion.percentiles[50] == 180
    assert completion.percentiles[95] == 4320  # beyond 48 hours, read to the hour
    assert dict(completion.histogram)["2–4小时"] == 1 and dict(completion.histogram)["72–120小时"] == 1


def test_times_wait_for_the_worker_and_the_page_shows_them_readably(cast, clock, new_case, client, timed):
    clock.move_to(at(9, 5, 9))
    late = new_case(description="还没计算")
    clock.move_to(at(9, 5, 10))
    case_accept(case=late, by=cast.community_staff)
    clock.move_to(FROZEN_NOW)
    assert trends_report(cast.command, september()).response.count == 4  # the worker has not run yet
    measures_refresh_all()
    assert trends_report(cast.command, september()).response.count == 5
    client.force_login(cast.command)
    html = client.get(PAGE).content.decode()
    assert "首次响应用时" in html and "1.0小时" in html and "3.0天" in html


@pytest.fixture
def callers(cast, clock, new_case):
    """One resident calls three times, then twice more with the number written another way; another twice."""
    clock.move_to(at(9, 10, 9))
    made = [new_case(reporter_phone="13912345678", description=f"第{i}次反映") for i in range(3)]
    made += [new_case(reporter_phone="+86 139-1234-5678", description=f"换了写法{i}") for i in range(2)]
    made += [new_case(reporter_phone="13700000000", description=f"另一人{i}") for i in range(2)]
    clock.move_to(FROZEN_NOW)
    return made


def test_repeat_callers_show_a_pseudonym_and_a_masked_phone_never_the_number(cast, callers, client):
    client.force_login(cast.command)
    response = client.get(PAGE)
    (caller,) = response.context["report"].callers
    assert caller.key == caller_key("13912345678", secret=settings.SECRET_KEY)
    assert (caller.phone, caller.cases) == ("139****5678", 3)
    html = response.content.decode()
    assert "13912345678" not in html and "139-1234-5678" not in html and "13700000000" not in html
    assert caller.key in html and "139****5678" in html
    for case in callers[:3]:
        assert reverse("work:case", args=[case.number]) in html


def test_only_operators_and_the_command_centre_follow_a_caller_to_their_cases(cast, callers, client):
    for user, linked in ((cast.operator, True), (cast.command, True), (cast.leader, False),
                         (cast.street_dispatcher, False), (cast.admin, False)):
        client.force_login(user)
        response = client.get(PAGE)
        report = response.context["report"]
        assert report.callers_linked is linked, user.username
        assert bool(report.callers[0].numbers) is linked, user.username
        assert (reverse("work:case", args=[callers[0].number]) in response.content.decode()) is linked


def test_the_threshold_is_set_in_the_query_and_one_number_written_two_ways_is_one_caller(cast, callers, client):
    client.force_login(cast.command)
    report = client.get(PAGE, {"repeat_min": 2}).context["report"]
    assert [(c.phone, c.cases) for c in report.callers] == [("139****5678", 5), ("137****0000", 2)]
    assert len(report.callers[0].numbers) == 5
    assert client.get(PAGE, {"repeat_min": 4}).context["report"].callers == []


def test_cases_per_10000_residents_where_the_population_is_known(cast, mixed, client):
    cast.east.population = 20000
    cast.east.save()
    report = trends_report(cast.command, september())
    rates = {p.name: (p.population, p.cases, p.per_10k) for p in report.places}
    assert rates == {"东湖街道": (20000, 3, 1.5), "西山街道": (None, 2, None)}
    client.force_login(cast.command)
    html = client.get(PAGE).content.decode()
    table = html[html.index('id="per-10k-table"'):]
    assert "<td class=\"n\">1.50</td>" in table and "<td class=\"n\">—</td>" in table


def test_a_street_sees_only_its_own_cases_and_can_pick_no_other_street(cast, mixed, client):
    report = trends_report(cast.outsider, september())  # the dispatcher of 西山街道
    assert report.total == 2
    assert {p.name for p in report.places} == {"桃园社区"}  # inside one street: communities
    client.force_login(cast.outsider)
    response = client.get(PAGE, {"street": cast.east.code})
    assert response.status_code == 400
    assert "街道：没有这个街道，或不在您的管辖范围内" in response.content.decode()


@pytest.mark.parametrize(("query", "message"), [
    ({"date_from": "2026-13-01"}, "起始日期：请输入有效日期"),
    ({"date_from": "2026-09-10", "date_to": "2026-09-01"}, "截止日期：截止日期不能早于起始日期"),
    ({"date_from": "2025-01-01", "date_to": "2026-09-01"}, "起始日期：统计区间不能超过 366 天"),
    ({"interval": "month"}, "统计粒度：只能按日或按周统计"),
    ({"category": "ZZ"}, "诉求分类：没有这个一级分类"),
    ({"category": "T0101"}, "诉求分类：没有这个一级分类"),  # a second level is not a root
    ({"channel": "fax"}, "来源渠道：没有这个来源渠道"),
    ({"request_type": "nope"}, "诉求类型：没有这个诉求类型"),
    ({"repeat_min": "1"}, "重复来电（件数≥）：不能小于 2"),
    ({"repeat_min": "lots"}, "重复来电（件数≥）：请输入整数"),
    # The ends of the calendar: refused by name, never an overflow (today is 2026-09-30).
    ({"date_from": "9999-12-31"}, "起始日期：日期须在 2000-01-01 至 2027-10-01 之间"),
    ({"date_to": "0001-01-01"}, "截止日期：日期须在 2000-01-01 至 2027-10-01 之间"),
    ({"date_from": "9999-12-01", "date_to": "9999-12-31"}, "起始日期：日期须在 2000-01-01 至 2027-10-01 之间"),
    ({"date_from": "1999-12-31", "date_to": "2000-01-31"}, "起始日期：日期须在 2000-01-01 至 2027-10-01 之间"),
    ({"date_to": "2027-10-02"}, "截止日期：日期须在 2000-01-01 至 2027-10-01 之间"),
])
def test_bad_input_is_refused_in_chinese_naming_the_field(cast, client, query, message):
    client.force_login(cast.command)
    for url in (PAGE, EXPORT):
        response = client.get(url, query)
        assert response.status_code == 400, url
        assert message in response.content.decode(), url


def test_the_first_and_last_days_allowed_are_accepted(cast, client):
    client.force_login(cast.command)
    for query in ({"date_from": "2000-01-01"}, {"date_from": "2027-09-01", "date_to": "2027-10-01"},
                  {"date_to": "2000-01-01"}):
        assert client.get(PAGE, query).status_code == 200, query


def test_the_field_and_its_message_are_joined_by_a_translatable_format(cast, monkeypatch):
    """An English catalogue gives "%(label)s: %(message)s": the full-width colon is the Chinese text's, not code's."""
    from django.http import QueryDict

    from huying.analytics.views import trends as view

    english = {"%(label)s：%(message)s": "%(label)s: %(message)s"}
    monkeypatch.setattr(view, "_", lambda text: english.get(text, text))
    form = view.TrendFilterForm(QueryDict("interval=month"), user=cast.command)
    assert not form.is_valid()
    assert form.problems() == ["统计粒度: 只能按日或按周统计"]


def test_the_page_needs_a_signed_in_staff_member(cast, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_costs_the_same_queries_however_many_cases(cast, clock, new_case, client, django_assert_num_queries):
    clock.move_to(at(9, 1, 9))
    for _ in range(3):
        new_case()
    client.force_login(cast.command)
    with django_assert_num_queries(19) as few:  # session, user, unit, scope; 11 reads; inbox; 3 for the form
        client.get(PAGE)
    for i in range(3):
        new_case(category=cast.noise, channel="web", **WEST)
        new_case(category=cast.trees, request_type=cast.help, reporter_phone=f"1350000000{i}")
    measures_refresh_all()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(PAGE, {"interval": "week"})


@pytest.fixture
def audited():
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Keep()
    logging.getLogger("huying.audit").addHandler(handler)
    yield lines
    logging.getLogger("huying.audit").removeHandler(handler)


def test_the_excel_export_holds_the_pages_tables_and_leaves_an_audit_line(cast, mixed, callers, client, audited):
    cast.east.population = 20000
    cast.east.save()
    client.force_login(cast.leader)
    response = client.get(EXPORT, {"date_from": "2026-09-01", "date_to": "2026-09-30", "repeat_min": 2})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["说明", "按诉求分类", "按来源渠道", "按诉求类型", "按街道", "每万人诉求量",
                               "时长分位数（小时）", "时长分布", "重复来电"]
    channels = [list(row) for row in book["按来源渠道"].iter_rows(values_only=True)]
    assert channels[0][:4] == ["名称", "件数", "占比（%）", "2026-09-01"]
    assert channels[1][:4] == ["12345热线", 10, 83.33, 2]
    places = [list(row) for row in book["每万人诉求量"].iter_rows(values_only=True)]
    assert places[1] == ["东湖街道", 20000, 10, 5.0]
    calls = [list(row) for row in book["重复来电"].iter_rows(values_only=True)]
    assert calls[0] == ["来电人标识", "联系电话（脱敏）", "件数", "首次", "最近"]  # a leader: no case numbers
    # the five cases of `mixed` share the cast's default number; at five each, the latest caller comes first
    assert [row[1:3] for row in calls[1:]] == [["139****5678", 5], ["138****8000", 5], ["137****0000", 2]]
    everything = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    assert "13912345678" not in everything and "13700000000" not in everything
    assert len(audited) == 1 and "trends_export" in audited[0] and "user:" in audited[0]
