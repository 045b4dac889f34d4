"""The public record (公示): anonymised recent cases and outcomes, the monthly rankings, a search by number."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.analytics import public
from huying.analytics.models import MeasureSettings, UnitRollup
from huying.analytics.public import Known, mask_for_public
from huying.analytics.rates import Counts, band_of, rates_of
from huying.analytics.refresh import measures_refresh_all, rollups_differences, rollups_expected, rollups_stored
from huying.cases import services as svc
from huying.feedback.services import rating_create
from huying.lib.pii import ID_CHECK, ID_WEIGHTS
from huying.org.models import Role, Unit, UnitKind, User

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CASES, RANKINGS, SEARCH = "/gongshi/", "/gongshi/rankings/", "/gongshi/search/"


def id_number(first17: str = "42010219900101123") -> str:
    """A resident identity number with a right check digit (GB 11643), as the masker recognises them."""
    return first17 + ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def handled(cast, case, *, result: str = "垃圾已清运完毕", by=None):
    """Signed for and resolved by the unit holding the case (签收, 办结)."""
    by = by or cast.community_staff
    svc.case_accept(case=case, by=by)
    svc.case_resolve(case=case, by=by, result=result)
    case.refresh_from_db()
    return case


def page_text(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


# --- What of a case is shown ------------------------------------------------------------------------------------

PERSONAL_CASE = {
    "title": "我叫王小明，电话13912345678，住幸福里小区3栋2单元501室，楼下垃圾三天没人清运",
    "description": "详细情况：楼道里也堆满了，身份证{id}，请联系我13912345678",
    "address": "幸福里小区3栋2单元501室",
    "reporter_name": "王小明",
    "reporter_phone": "13912345678",
}
PERSONAL_RESULT = ("网格员赵卫国上门联系王小明先生（13912345678），已清运幸福里3号楼楼下垃圾；"
                   "社区书记钱多多协调物业每日清运。身份证{id}已核实，邮箱wang.xm@example.com，占道车辆鄂A12345已挪走")


def personal_case(cast, new_case):
    cast.community_staff.last_name, cast.community_staff.first_name = "赵", "卫国"
    cast.community_staff.save()
    case = new_case(**{**PERSONAL_CASE, "description": PERSONAL_CASE["description"].format(id=id_number())})
    return handled(cast, case, result=PERSONAL_RESULT.format(id=id_number()))


SECRETS = ("王小明", "小明", "13912345678", "3912345678", id_number(), "199001011", "wang.xm", "鄂A12345",  # the person
           "幸福里小区", "3栋", "2单元", "501室", "501", "3号楼", "幸福里网格1",  # finer than the community
           "赵卫国", "卫国", "钱多多",  # the staff
           "楼道里也堆满了")  # the description is never shown


def test_a_case_with_personal_data_in_its_texts_is_shown_without_any_of_it(client, cast, new_case):
    case = personal_case(cast, new_case)
    for html in (page_text(client, CASES), page_text(client, SEARCH, number=case.number)):
        assert case.number in html
        assert [s for s in SECRETS if s in html] == []
        assert "东湖街道" in html and "幸福里社区" in html  # the street and community are the finest place shown
        assert "每日清运" in html  # what was done still reads


def test_the_residents_own_title_is_never_shown_but_its_category_and_request_type_are(client, cast, new_case):
    case = handled(cast, new_case(title="和平里九区门口的老槐树快倒了", category=cast.trees, request_type=cast.help),
                   by=cast.parks_handler)
    for html in (page_text(client, CASES), page_text(client, SEARCH, number=case.number)):
        card = lxml.html.fromstring(html).xpath(f'//article[@data-number="{case.number}"]')[0]
        assert "老槐树" not in html and "和平里九区" not in html
        assert card.xpath(".//h2")[0].text_content() == "树木修剪 · 求助"
        assert card.xpath('.//dd[@class="request-type"]')[0].text_content() == "求助"


def test_a_case_shows_its_category_dates_status_and_verdict(client, cast, new_case, clock):
    case = handled(cast, new_case(title="垃圾桶满了"))
    rating_create(case=case, responsiveness=5, completion=5, satisfaction=4, solved=True)
    clock.move_to(dt.datetime(2026, 10, 2, 9, 0, tzinfo=SHANGHAI))
    measures_refresh_all()
    card = lxml.html.fromstring(page_text(client, CASES)).xpath(f'//article[@data-number="{case.number}"]')[0]
    text = card.text_content()
    assert "垃圾清运" in text and "已办结" in text and "2026-09-30" in text
    assert card.xpath('.//dd[@class="verdict"]')[0].text_content().strip() == "满意 · 已解决"


def test_a_case_not_yet_evaluated_says_so(client, cast, new_case):
    case = handled(cast, new_case())
    measures_refresh_all()
    card = lxml.html.fromstring(page_text(client, CASES)).xpath(f'//article[@data-number="{case.number}"]')[0]
    assert card.xpath('.//dd[@class="verdict"]')[0].text_content().strip() == "暂未评价"


@pytest.mark.parametrize(("text", "shown"), [
    ("9月30号反映的问题，地铁2号线出口", "9月30号反映的问题，地铁2号线出口"),  # dates and metro lines stay
    ("我们小区门口路灯不亮", "我们小区门口路灯不亮"),  # no compound named
    ("阳光花园B座12层漏水", "（地址略）*座*层漏水"),
    ("住在和谐家园5号楼3-2-501", "住在（地址略）*号楼*"),
    ("解放大道1234号门前积水", "解放大道*号门前积水"),
    ("工作人员李建国已现场处理", "工作人员李**已现场处理"),
    ("孙立新主任协调解决", "孙**主任协调解决"),
    ("党支部书记带队清理", "党支部书记带队清理"),
    ("和平里九区1号楼2门301", "和平里九区*号楼*门*"),  # the entrance and the bare room number too
    ("3号楼二单元六〇一", "*号楼*单元*"),  # 〇 is a numeral
    ("5号楼301的住户，3号楼100米处", "*号楼*的住户，*号楼100米处"),  # a distance is no room
    ("座机84561234，邻居王建国家装修", "座机****1234，邻居王**家装修"),
])
def test_the_public_masker_hides_places_and_staff_it_does_not_know_of(text, shown):
    assert mask_for_public(text, Known({})) == shown


def test_the_words_known_of_a_case_are_replaced_longest_first():
    known = Known({"幸福里小区3栋": "（地址略）", "幸福里小区": "（地址略）", "刘大伟": "刘**"})
    assert mask_for_public("幸福里小区3栋刘大伟反映", known) == "（地址略）刘**反映"


# --- Which cases are shown --------------------------------------------------------------------------------------


def test_anonymous_excluded_proactive_unresolved_and_old_cases_are_not_on_the_record(client, cast, new_case, clock):
    """Only an approved exclusion (核减) hides a case: a request still awaiting approval hides nothing."""
    clock.move_to(dt.datetime(2026, 8, 20, 10, 0, tzinfo=SHANGHAI))
    old = handled(cast, new_case(title="四十天前办结"))
    clock.move_to(dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI))
    shown = handled(cast, new_case(title="可以公示"))
    anonymous = handled(cast, new_case(title="匿名反映", anonymous=True))
    excluded = handled(cast, new_case(title="已核减"))
    svc.case_request_exclusion(case=excluded, by=cast.street_dispatcher, reason="malicious", note="恶意重复来电")
    svc.case_decide_exclusion(case=excluded, by=cast.command, approve=True)
    pending = handled(cast, new_case(title="核减待审批"))
    svc.case_request_exclusion(case=pending, by=cast.street_dispatcher, reason="other", note="非本辖区")
    refused = handled(cast, new_case(title="核减未通过"))
    svc.case_request_exclusion(case=refused, by=cast.street_dispatcher, reason="other", note="非本辖区")
    svc.case_decide_exclusion(case=refused, by=cast.command, approve=False, note="属本辖区")
    found_by_staff = handled(cast, new_case(title="巡查发现", proactive=True))
    open_case = new_case(title="还在办理")
    html = page_text(client, CASES)
    for listed in (shown, pending, refused):
        assert listed.number in html
        assert f'data-number="{listed.number}"' in page_text(client, SEARCH, number=listed.number)
    for hidden in (old, anonymous, excluded, found_by_staff, open_case):
        assert hidden.number not in html
        assert hidden.title not in html
        found = page_text(client, SEARCH, number=hidden.number)
        assert "未找到已公示的工单" in found and hidden.title not in found


def test_the_record_lists_the_newest_results_first_a_page_at_a_time(client, cast, new_case, clock, monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    numbers = []
    for hour in (8, 9, 10):
        clock.move_to(dt.datetime(2026, 9, 29, hour, 0, tzinfo=SHANGHAI))
        numbers.append(handled(cast, new_case(title=f"第{hour}时的诉求")).number)
    first = lxml.html.fromstring(page_text(client, CASES))
    second = lxml.html.fromstring(page_text(client, CASES, page=2))
    listed = [a.get("data-number") for p in (first, second) for a in p.xpath('//article[@data-number]')]
    assert listed == numbers[::-1]
    assert "第2页，共2页" in second.text_content()


def test_the_list_stops_at_its_cap_says_so_and_gives_the_last_page_for_one_past_it(client, cast, new_case, clock,
                                                                                     monkeypatch):
    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    monkeypatch.setattr(public, "LIST_CAP", 3)
    numbers = []
    for hour in (8, 9, 10, 11, 12):
        clock.move_to(dt.datetime(2026, 9, 29, hour, 0, tzinfo=SHANGHAI))
        numbers.append(handled(cast, new_case(title=f"第{hour}时的诉求")).number)
    first = lxml.html.fromstring(page_text(client, CASES))
    assert first.xpath('//p[contains(@class, "found")]')[0].text_content() == "共3+件"
    assert "第1页，共2页" in first.text_content()
    with CaptureQueriesContext(connection) as queries:
        last = lxml.html.fromstring(page_text(client, CASES, page=5))
    assert [a.get("data-number") for a in last.xpath("//article[@data-number]")] == [numbers[2]]  # the third newest
    assert "已显示最后一页" in last.xpath('//p[@role="status"]')[0].text_content()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0].upper()  # counted up to one past the cap, no further
    assert f'data-number="{numbers[0]}"' in page_text(client, SEARCH, number=numbers[0])  # still found by number


def test_a_list_within_its_cap_shows_the_exact_count_and_no_notice(client, cast, new_case):
    handled(cast, new_case())
    page = lxml.html.fromstring(page_text(client, CASES, page=1))
    assert page.xpath('//p[contains(@class, "found")]')[0].text_content() == "共1件"
    assert page.xpath('//p[@role="status"]') == []


def test_the_list_page_reads_the_same_number_of_queries_for_one_case_or_many(client, cast, new_case):
    handled(cast, new_case(title="第一件"))
    with CaptureQueriesContext(connection) as one:
        page_text(client, CASES)
    for n in range(4):
        handled(cast, new_case(title=f"又一件{n}", reporter_name=f"李{n}号"))
    with CaptureQueriesContext(connection) as five:
        html = page_text(client, CASES)
    assert html.count('class="card public-case"') == 5
    assert len(five.captured_queries) == len(one.captured_queries) <= 6


def test_the_search_by_number_finds_a_case_written_in_lower_case_and_with_spaces(client, cast, new_case):
    case = handled(cast, new_case(title="路灯不亮"), result="已更换灯泡")
    html = page_text(client, SEARCH, number=f"  {case.number.lower()} ")
    assert f'data-number="{case.number}"' in html and "已更换灯泡" in html


@pytest.mark.parametrize("number", ["", "   ", "X" * 33, "A\x00B", "HY2026\x07", "\x1b[31m"])
def test_a_search_without_a_usable_number_says_which_field_is_wrong(client, cast, number):
    response = client.get(SEARCH, {"number": number})
    assert response.status_code == 400
    assert "工单编号：" in lxml.html.fromstring(response.content).xpath('//*[@role="alert"]')[0].text_content()


def test_a_number_with_a_nul_is_refused_before_the_database_and_never_echoed(client, cast):
    response = client.get(SEARCH + "?number=A%00B")  # a NUL would make PostgreSQL raise: a 500
    assert response.status_code == 400
    assert "工单编号：不能包含控制字符" in response.content.decode()
    assert "\x00" not in response.content.decode()


@pytest.mark.parametrize(("query", "status"), [("?page=%00", 200), ("?page=2%00&lang=%00", 200),
                                               ("rankings/?month=2026-08%00", 400), ("?x=%00", 200)])
def test_a_nul_anywhere_in_the_address_is_never_a_server_error_nor_echoed(client, cast, new_case, query, status):
    handled(cast, new_case())
    response = client.get(CASES + query)
    assert response.status_code == status
    assert "\x00" not in response.content.decode()


# --- The rankings -----------------------------------------------------------------------------------------------


def september_of_two_streets_and_a_department(cast, new_case):
    """東湖: two cases, satisfied; 西山: one case, unsatisfied and unsolved; 园林局: one tree case, basically
    satisfied; one east case never answered (its response deadline passes)."""
    west = {"address": "", "lat": 30.705, "lon": 114.405}
    taoyuan = User.objects.create(username="taoyuan", unit=cast.taoyuan, role=Role.COMMUNITY_STAFF)
    for _ in range(2):
        rating_create(case=handled(cast, new_case()), responsiveness=5, completion=5, satisfaction=5, solved=True)
    rating_create(case=handled(cast, new_case(title="西山垃圾", **west), by=taoyuan), responsiveness=2, completion=1,
                  satisfaction=1, solved=False)
    tree = handled(cast, new_case(title="树枝挡窗", category=cast.trees), by=cast.parks_handler)
    rating_create(case=tree, responsiveness=4, completion=3, satisfaction=3, solved=True)
    new_case(title="无人响应")


def shown(value: float | None) -> str:
    if value is None:
        return "—"
    return str(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_ranking_numbers_are_the_rollups_of_the_month(client, cast, new_case, clock):
    september_of_two_streets_and_a_department(cast, new_case)
    clock.move_to(dt.datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI))
    measures_refresh_all()
    assert rollups_differences(rollups_expected(), rollups_stored()) == []
    settings = MeasureSettings.current()
    page = lxml.html.fromstring(page_text(client, RANKINGS))
    assert "2026-09 月度考核排名" in page.xpath("//h1")[0].text_content()
    rows = {row.get("data-unit"): row for row in page.xpath('//table[@class="ranking"]/tbody/tr[@data-unit]')}
    assert set(rows) == {cast.east.code, cast.west.code, cast.parks.code, cast.water.code, cast.water_co.code}
    for unit in (cast.east, cast.west, cast.parks, cast.water):
        rollup = UnitRollup.objects.filter(basis=settings.period_basis, month=202609, unit=unit).first()
        counts = Counts(**{f: getattr(rollup, f) for f in Counts.__dataclass_fields__}) if rollup else Counts()
        rates = rates_of(counts, settings)
        cells = {td.get("data-field"): td.text_content().strip() for td in rows[unit.code].xpath("./td")}
        assert cells["cases"] == str(counts.cases) and cells["evaluated"] == str(counts.evaluated)
        for rate in ("response", "solved", "satisfied"):
            expected = shown(getattr(rates, rate))
            assert cells[rate] == (expected if expected == "—" else f"{expected}%"), (unit.name, rate)
        assert cells["composite"] == shown(rates.composite)
        assert cells["band"] == {"good": "红榜", "failing": "黑榜", "": ""}[band_of(rates, counts, settings)]
    assert rows[cast.east.code].xpath('./td[@data-field="cases"]')[0].text_content() == "3"
    assert [r.get("data-unit") for r in rows.values()][:2] == [cast.east.code, cast.west.code]


def test_the_red_and_black_lists_name_the_units_in_each_band(client, cast, new_case, clock):
    september_of_two_streets_and_a_department(cast, new_case)
    clock.move_to(dt.datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI))
    measures_refresh_all()
    page = lxml.html.fromstring(page_text(client, RANKINGS, month="2026-09"))
    good = [s.text_content() for s in page.xpath('//*[@data-band="good"]//span[@class="listed"]')]
    failing = [s.text_content() for s in page.xpath('//*[@data-band="failing"]//span[@class="listed"]')]
    assert good == ["东湖街道", "园林局"] and failing == ["西山街道"]
    assert "满意率 ≥ 85%" in page.text_content()  # the formula in force is on the page


def test_the_rankings_default_to_the_last_full_month_and_walk_back_to_earlier_ones(client, cast, clock):
    clock.move_to(dt.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI))
    page = lxml.html.fromstring(page_text(client, RANKINGS))
    assert "2026-10 月度考核排名" in page.xpath("//h1")[0].text_content()
    months = [a.get("href") for a in page.xpath('//nav[@class="pager"]/a')]
    assert months == ["?month=2026-09"]  # nothing after the last full month
    earlier = lxml.html.fromstring(page_text(client, RANKINGS, month="2026-03"))
    assert "2026-03 月度考核排名" in earlier.xpath("//h1")[0].text_content()


def test_the_rankings_page_reads_the_same_number_of_queries_however_many_units_it_ranks(client, cast):
    MeasureSettings.current()
    with CaptureQueriesContext(connection) as few:
        page_text(client, RANKINGS)
    for n in range(5):
        Unit.objects.create(code=f"T31010100{n + 3}", name=f"新街道{n}", kind=UnitKind.STREET, parent=cast.district)
        Unit.objects.create(code=f"TD-NEW{n}", name=f"新部门{n}", kind=UnitKind.DEPARTMENT, parent=cast.district)
    with CaptureQueriesContext(connection) as many:
        html = page_text(client, RANKINGS)
    assert "新街道4" in html and "新部门4" in html
    assert len(many.captured_queries) == len(few.captured_queries) <= 7


@pytest.mark.parametrize(("month", "says"), [("2026-13", "格式"), ("2026-Q3", "格式"), ("abc", "格式"),
                                             ("2026-10", "已结束月份")])
def test_a_month_that_is_not_published_is_refused_naming_the_field(client, cast, month, says):
    response = client.get(RANKINGS, {"month": month})
    assert response.status_code == 400
    alert = lxml.html.fromstring(response.content).xpath('//*[@role="alert"]')[0].text_content()
    assert alert.startswith("月份：") and says in alert


# --- Served to everyone alike -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CASES, RANKINGS, SEARCH])
def test_the_public_pages_open_no_session_and_may_be_cached(client, cast, url):
    client.force_login(cast.leader)  # even a signed-in visitor gets the page everyone gets
    response = client.get(url)
    assert response.status_code == 200
    assert re.fullmatch(r"(public, max-age=300|max-age=300, public)", response["Cache-Control"])
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    assert "leader" not in response.content.decode()


def test_the_language_is_chosen_in_the_address_not_by_cookie(client, cast):
    client.cookies["django_language"] = "en"
    chinese = client.get(CASES)
    assert chinese["Content-Language"] == "zh-hans" and '<html lang="zh-hans">' in chinese.content.decode()
    english = client.get(CASES, {"lang": "en"})
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()
    switch = lxml.html.fromstring(english.content).xpath('//form[@class="lang"]//button')[0]
    assert (switch.get("name"), switch.get("value"), switch.text_content()) == ("lang", "zh-hans", "中文")


def test_the_language_switch_keeps_the_month_being_read(client, cast):
    page = lxml.html.fromstring(page_text(client, RANKINGS, month="2026-08"))
    kept = {i.get("name"): i.get("value") for i in page.xpath('//form[@class="lang"]//input[@type="hidden"]')}
    assert kept == {"month": "2026-08"}
