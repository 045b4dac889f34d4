"""The rates pages (三率考核): a unit's own rates, the published rankings with their red and black lists, the formula
in use, and numbers that link to their cases only inside the viewer's scope."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.analytics.models import MeasureSettings
from huying.analytics.refresh import measures_refresh_all
from huying.org.models import Role, Unit, UnitKind, User
from tests.cast import FROZEN_NOW
from tests.test_analytics_drilldown import SEPTEMBER, handled, september

PAGES = ("/work/rates/", "/work/rates/ranking/", "/work/rates/cases/")


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def rate(html: str, unit: Unit, name: str) -> str:
    """The text of one rate in the row or card of `unit`."""
    block = re.search(rf'<(?:tr|section class="card rates-card") data-unit="{unit.pk}"(.*?)(?:</tr>|</section>)', html,
                      re.S).group(1)
    cell = re.search(rf'data-rate="{name}">(.*?)</(?:td|span)>', block, re.S).group(1)
    return re.sub(r"<[^>]+>", "", cell).split()[0]


def section(html: str, marker: str) -> str:
    return re.search(rf'{marker}(.*?)</section>', html, re.S).group(1)


@pytest.fixture
def august(cast, new_case, clock):
    """One case in August at 幸福里 (东湖街道), answered at once and rated 3 (基本满意) and solved."""
    clock.move_to(dt.datetime(2026, 8, 20, 10, 0, tzinfo=FROZEN_NOW.tzinfo))
    handled(cast, new_case(), rating=(3, True))
    clock.move_to(FROZEN_NOW)


@pytest.fixture
def months(cast, new_case, clock, august):
    return september(cast, new_case, clock)


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, cast, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["operator", "grid_worker", "community_staff", "street_dispatcher", "parks_handler",
                                 "command", "leader", "admin", "outsider"])
def test_every_staff_role_reads_the_published_street_ranking(client, cast, who):
    client.force_login(getattr(cast, who))
    html = page(client, "/work/rates/ranking/", kind="street")
    assert "东湖街道" in html and "西山街道" in html


def test_a_staff_member_without_a_unit_is_refused(client, cast):
    loner = User.objects.create(username="loner", role=Role.STREET_DISPATCHER)
    client.force_login(loner)
    assert all(client.get(url).status_code == 403 for url in PAGES)


def test_the_pages_open_on_the_last_full_month(client, cast):
    client.force_login(cast.community_staff)
    html = page(client, "/work/rates/")
    assert "三率考核 · 2026年8月" in html
    assert '<option value="2026-08" selected>' in html
    assert '<option value="2026-Q3">' in html and '<option value="2026">' in html


def test_the_overview_shows_the_viewers_rates_counts_change_and_formula(client, cast, months):
    client.force_login(cast.community_staff)
    html = page(client, "/work/rates/", period=SEPTEMBER)
    # 幸福里社区 in September: 2 of 4 answered in time; 3 evaluated: 满意, 基本满意 (solved), 不满意 (not solved).
    assert [rate(html, cast.xingfu, name) for name in ("response", "solved", "satisfied", "composite")] == [
        "50.0%", "66.7%", "66.7%", "65.0"]
    assert "▼ -33.3" in html  # against August's one case, basically satisfied and solved: 100%
    query = f"unit={cast.xingfu.pk}&amp;period=2026-09&amp;basis=created&amp;metric=cases"
    assert f'<a href="/work/rates/cases/?{query}">4</a>' in html
    assert "综合得分 = 响应率 × 10% + 解决率 × 45% + 满意率 × 45%" in html
    assert "在社区排名中位列第 1 名（共 1 个）" in html


def test_a_street_sees_its_place_in_the_street_ranking(client, cast, months):
    client.force_login(cast.street_dispatcher)
    html = page(client, "/work/rates/", period=SEPTEMBER)
    assert "在街道排名中位列第 2 名（共 2 个）" in html
    assert 'class="card rank-summary"' not in html  # the district's summaries are the command centre's


def test_the_command_centre_sees_the_district_and_the_ranking_summaries(client, cast, months):
    client.force_login(cast.command)
    html = page(client, "/work/rates/", period=SEPTEMBER)
    assert rate(html, cast.district, "satisfied") == "60.0%"  # 东湖 2/3 (basic counts 1), 西山 1/1, 园林局 0/1
    streets = section(html, 'data-kind="street"')
    assert streets.index("西山街道") < streets.index("东湖街道")
    assert 'class="band good">红榜</span>\n          西山街道' in streets
    assert "园林局" in section(html, 'data-kind="department"')


def test_the_street_ranking_orders_by_score_with_red_and_black_lists(client, cast, months):
    client.force_login(cast.leader)
    html = page(client, "/work/rates/ranking/", kind="street", period=SEPTEMBER)
    table = html[html.index('class="rank-table"'):]
    assert table.index("西山街道") < table.index("东湖街道")
    assert rate(html, cast.west, "composite") == "100.0" and rate(html, cast.east, "composite") == "65.0"
    assert "西山街道" in section(html, 'id="good-list"') and "东湖街道" not in section(html, 'id="good-list"')
    assert "东湖街道" in section(html, 'id="failing-list"')  # 满意率 66.7% < 75%
    assert "▼ -33.3" in html  # 东湖街道's satisfaction against August
    assert 'id="ranking-data"' in html and "vendor/echarts.min.js" in html


def test_numbers_link_to_cases_only_inside_the_viewers_scope(client, cast, months):
    client.force_login(cast.outsider)  # 西山街道
    html = page(client, "/work/rates/ranking/", kind="street", period=SEPTEMBER)
    west = re.search(rf'<tr data-unit="{cast.west.pk}".*?</tr>', html, re.S).group(0)
    east = re.search(rf'<tr data-unit="{cast.east.pk}".*?</tr>', html, re.S).group(0)
    assert f"unit={cast.west.pk}&amp;" in west
    assert "<a " not in east and 'data-metric="cases">4<' in east  # 东湖's numbers, published, without its cases


def test_the_department_ranking_lists_departments_and_utilities(client, cast, months):
    client.force_login(cast.parks_handler)
    html = page(client, "/work/rates/ranking/", kind="department", period=SEPTEMBER)
    assert all(name in html for name in ("园林局", "水务局", "供水公司"))
    assert "园林局" in section(html, 'id="failing-list"')  # rated 2 of 5: unsatisfied
    assert "东湖街道" not in html


def test_the_community_ranking_is_the_viewers_street_or_the_whole_district(client, cast, months):
    client.force_login(cast.community_staff)
    own = page(client, "/work/rates/ranking/", kind="community", period=SEPTEMBER)
    assert "幸福里社区" in own and "桃园社区" not in own
    client.force_login(cast.command)
    every = page(client, "/work/rates/ranking/", kind="community", period=SEPTEMBER)
    assert "幸福里社区" in every and "桃园社区" in every


def test_a_quarter_sums_its_months(client, cast, months):
    client.force_login(cast.street_dispatcher)
    html = page(client, "/work/rates/", period="2026-Q3")
    # August's basically satisfied case joins September's three evaluations: (2 + 1 + 0 + 1) / 4.
    assert rate(html, cast.east, "satisfied") == "75.0%"
    assert "三率考核 · 2026年第3季度" in html


def test_new_weights_change_the_score_and_the_formula_at_once(client, cast, months):
    MeasureSettings.objects.update_or_create(pk=1, defaults={"weight_response": 20, "weight_solved": 40,
                                                             "weight_satisfied": 40})
    client.force_login(cast.community_staff)
    html = page(client, "/work/rates/", period=SEPTEMBER)
    assert rate(html, cast.xingfu, "composite") == "63.3"  # 50×0.2 + 66.7×0.4 + 66.7×0.4
    assert "综合得分 = 响应率 × 20% + 解决率 × 40% + 满意率 × 40%" in html


@pytest.mark.parametrize(("params", "notice"), [
    ({"period": "2026-13"}, "统计周期：无法识别“2026-13”"),
    ({"basis": "closed"}, "统计口径：无法识别“closed”"),
    ({"kind": "city"}, "榜单类型：无法识别“city”"),
])
def test_unreadable_choices_fall_back_with_a_notice_naming_the_field(client, cast, params, notice):
    client.force_login(cast.command)
    html = page(client, "/work/rates/ranking/", **params)
    assert notice in html and "街道排名 · 2026年8月" in html


def test_the_ranking_costs_the_same_queries_for_two_or_twenty_streets(client, cast, new_case):
    new_case()
    measures_refresh_all()
    client.force_login(cast.street_dispatcher)
    with CaptureQueriesContext(connection) as two:
        page(client, "/work/rates/ranking/", period=SEPTEMBER)
    for i in range(18):
        Unit.objects.create(code=f"T31010110{i:02d}", name=f"新街道{i}", kind=UnitKind.STREET, parent=cast.district)
    with CaptureQueriesContext(connection) as twenty:
        html = page(client, "/work/rates/ranking/", period=SEPTEMBER)
    assert html.count('<tr data-unit="') == 20
    assert len(twenty.captured_queries) == len(two.captured_queries) <= 10


def test_the_overview_costs_the_same_queries_for_few_or_many_units(client, cast, new_case):
    MeasureSettings.current()
    client.force_login(cast.command)
    with CaptureQueriesContext(connection) as few:
        page(client, "/work/rates/")
    for i in range(10):
        Unit.objects.create(code=f"TD-NEW{i}", name=f"新部门{i}", kind=UnitKind.DEPARTMENT, parent=cast.district)
    with CaptureQueriesContext(connection) as many:
        page(client, "/work/rates/")
    assert len(many.captured_queries) == len(few.captured_queries) <= 16


def test_the_console_navigation_leads_to_the_rates(client, cast):
    client.force_login(cast.community_staff)
    html = page(client, "/work/queues/")
    assert '<a href="/work/rates/">考核排名</a>' in html


def count_links(html: str) -> list[tuple[str, int]]:
    """Every count on a page that links to its cases: (URL, the number shown)."""
    found = re.findall(r'<a href="(/work/rates/cases/\?[^"]+)">(\d+)</a>', html)
    return [(url.replace("&amp;", "&"), int(n)) for url, n in found]


@pytest.mark.parametrize(("who", "url"), [
    ("command", "/work/rates/?period=2026-Q3"),
    ("command", "/work/rates/ranking/?kind=street&period=2026-09"),
    ("command", "/work/rates/ranking/?kind=department&period=2026-09&basis=resolved"),
    ("street_dispatcher", "/work/rates/ranking/?kind=community&period=2026-09"),
])
def test_every_linked_number_opens_exactly_that_many_cases(client, cast, months, who, url):
    client.force_login(getattr(cast, who))
    links = count_links(client.get(url).content.decode())
    assert len(links) >= 9
    for link, shown in links:
        html = client.get(link).content.decode()
        assert int(re.search(r'id="drill-count">(\d+)<', html).group(1)) == shown, link


def test_a_unit_outside_the_viewers_scope_has_no_overview(client, cast, months):
    client.force_login(cast.street_dispatcher)
    assert client.get("/work/rates/", {"unit": cast.west.pk}).status_code == 403
    assert client.get("/work/rates/", {"unit": cast.xingfu.pk}).status_code == 200  # a community of its own


def test_a_ranked_unit_in_scope_opens_its_own_overview(client, cast, months):
    client.force_login(cast.command)
    html = page(client, "/work/rates/ranking/", kind="street", period=SEPTEMBER)
    assert f'<a href="/work/rates/?unit={cast.east.pk}&amp;period=2026-09&amp;basis=created">东湖街道</a>' in html
    overview = page(client, "/work/rates/", unit=cast.east.pk, period=SEPTEMBER)
    assert rate(overview, cast.east, "composite") == "65.0" and "在街道排名中位列第 2 名（共 2 个）" in overview
