"""The case page (工单详情): the whole story at a glance, shown to each role as that role may see it."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from huying.cases import services as svc
from huying.workbench.casepage.story import countdown_text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # photos land in the test's own directory


def page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(f"/work/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def jpeg_file(name: str = "photo.jpg") -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return ContentFile(out.getvalue(), name=name)


def action_names(html: str) -> set[str]:
    return set(re.findall(r'id="action-([a-z-]+)"', html))


def section(html: str, css_class: str) -> str:
    match = re.search(rf'<section class="[^"]*\b{css_class}\b[^"]*".*?</section>', html, re.S)
    return match.group(0) if match else ""


def test_the_handling_unit_sees_the_whole_story_with_the_reporter_in_full(cast, new_case, client):
    case = new_case()
    html = page(client, cast.community_staff, case)
    assert case.number in html and "幸福里3号楼门口垃圾两天没人清运" in html
    assert "张先生" in html and "13800138000" in html
    assert "东湖街道 › 幸福里社区 › 幸福里网格1" in html
    timeline = section(html, "card\" id=\"timeline") or html[html.index('id="timeline"'):]
    assert "受理" in timeline and "派单" in timeline and "幸福里社区" in timeline
    assert 'data-due="2026-10-08T10:00:00+08:00"' in html  # the completion deadline counts down (1 working day)
    assert "剩余 8天" in html


@pytest.mark.parametrize("who", ["leader", "street_dispatcher", "grid_worker"])
def test_leaders_units_above_and_beside_the_handler_see_the_reporter_masked(cast, new_case, client, who):
    html = page(client, getattr(cast, who), new_case())
    reporter = section(html, "reporter")
    assert "138****8000" in reporter and "张*" in reporter
    assert "13800138000" not in html and "张先生" not in html
    assert "完整号码仅话务员、指挥中心和当前承办单位可见" in reporter


@pytest.mark.parametrize("who", ["command", "operator"])
def test_the_command_centre_and_the_hotline_see_the_reporter_in_full(cast, new_case, client, who):
    reporter = section(page(client, getattr(cast, who), new_case()), "reporter")
    assert "13800138000" in reporter and "138****8000" not in reporter


def test_an_anonymous_reporter_is_masked_even_for_the_handling_unit(cast, new_case, client):
    case = new_case(anonymous=True)
    assert "138****8000" in section(page(client, cast.community_staff, case), "reporter")
    assert "13800138000" in section(page(client, cast.operator, case), "reporter")


def test_an_outsider_and_an_unknown_number_get_404(cast, new_case, client):
    case = new_case()
    client.force_login(cast.outsider)
    assert client.get(f"/work/cases/{case.number}/").status_code == 404
    assert client.get("/work/cases/HY20990101000001/").status_code == 404
    assert client.get(f"/work/cases/{'9' * 300}/").status_code == 404


def test_signed_out_visitors_are_sent_to_the_login_page(cast, new_case, client):
    response = client.get(f"/work/cases/{new_case().number}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("left", "text"), [
    (dt.timedelta(days=8), "剩余 8天"), (dt.timedelta(days=1, hours=3, minutes=20), "剩余 1天3小时"),
    (dt.timedelta(hours=2), "剩余 2小时"), (dt.timedelta(hours=2, minutes=5), "剩余 2小时5分钟"),
    (dt.timedelta(minutes=44, seconds=30), "剩余 45分钟"), (dt.timedelta(0), "剩余 0分钟"),
    (-dt.timedelta(seconds=59), "已超时 0分钟"), (-dt.timedelta(days=1, hours=3, minutes=30), "已超时 1天3小时"),
])
def test_the_countdown_says_how_long_is_left_or_how_late_it_is(left, text):
    now = timezone.now()
    assert countdown_text(now + left, now) == text


def test_only_the_actions_this_user_may_take_now_are_shown(cast, new_case, client):
    case = new_case()  # dispatched to 幸福里社区
    handler = action_names(page(client, cast.community_staff, case))
    assert {"accept", "return", "escalate", "note", "cohandlers", "merge", "request-invalidation"} <= handler
    assert not handler & {"resolve", "close", "invalidate", "supervise", "instruct", "convene", "summon",
                          "decide-extension", "report-back", "group-report", "reopen"}
    onlooker = action_names(page(client, cast.grid_worker, case))
    assert onlooker == {"note"}  # anyone who sees a case may add a note; nothing else
    leader = action_names(page(client, cast.leader, case))
    assert {"supervise", "instruct", "convene", "invalidate", "dispatch"} <= leader
    assert "lift-supervision" not in leader


def test_the_street_is_offered_the_whistle_once_it_works_the_case(cast, new_case, client):
    case = new_case(category=cast.noise)  # no rule: the command centre dispatches it to the street
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, reason="属地街道处理")
    assert "summon" not in action_names(page(client, cast.street_dispatcher, case))  # not accepted yet
    svc.case_accept(case=case, by=cast.street_dispatcher)
    html = page(client, cast.street_dispatcher, case)
    assert {"summon", "resolve", "request-extension", "escalate"} <= action_names(html)
    summon = html[html.index('id="action-summon"'):]
    assert "园林局" in summon and "水务局" in summon and "供水公司" in summon
    assert 'name="summon-report_due_at"' in summon and 'type="datetime-local"' in summon


def test_the_video_button_shows_only_when_a_server_is_configured(cast, new_case, client, settings):
    case = new_case()
    assert "video" not in action_names(page(client, cast.community_staff, case))
    settings.HUYING = {**settings.HUYING, "VIDEO_SERVER": "https://meet.intranet"}
    assert "video" in action_names(page(client, cast.community_staff, case))
    assert "video" not in action_names(page(client, cast.grid_worker, case))  # not working on it


def test_supervision_and_instructions_stand_at_the_top(cast, new_case, client):
    case = new_case()
    svc.case_supervise(case=case, by=cast.leader, note="三日内办结并回复")
    svc.case_instruct(case=case, by=cast.leader, instruction="请社区立即组织清运，街道跟进")
    html = page(client, cast.community_staff, case)
    top = html[:html.index('class="case-columns"')]
    assert "挂牌督办" in top and "三日内办结并回复" in top
    assert "领导批示" in top and "请社区立即组织清运，街道跟进" in top
    assert 'class="badge supervised"' in top
    assert "lift-supervision" in action_names(page(client, cast.command, case))


def test_the_timeline_shows_who_was_summoned_until_when_and_what_they_reported(cast, new_case, client):
    case = new_case(category=cast.noise)
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, reason="属地街道处理")
    svc.case_accept(case=case, by=cast.street_dispatcher)
    due = timezone.now() + dt.timedelta(hours=6)
    svc.case_summon(case=case, by=cast.street_dispatcher, departments=[cast.parks, cast.water], report_due_at=due,
                    note="噪声扰民，需多部门到场")
    svc.case_report_back(case=case, by=cast.parks_handler, report="已到场核查，非园林施工")
    html = page(client, cast.street_dispatcher, case)
    timeline = html[html.index('id="timeline"'):]
    assert "园林局、水务局" in timeline and "2026-09-30 16:00" in timeline
    assert "已到场核查，非园林施工" in timeline
    summoned = section(html, "assignments")
    assert "已报到" in summoned and "待报到" in summoned and "剩余 6小时" in summoned


def test_the_callers_other_cases_are_listed_only_where_this_user_may_see_them(cast, new_case, client):
    case = new_case()
    same_street = new_case(description="幸福里2号楼路灯不亮")
    other_street = new_case(description="桃园路噪声扰民", category=cast.noise, lat=30.705, lon=114.405)
    assert other_street.street == cast.west
    mine = section(page(client, cast.community_staff, case), "caller-cases")
    assert same_street.number in mine and other_street.number not in mine
    everywhere = section(page(client, cast.command, case), "caller-cases")
    assert same_street.number in everywhere and other_street.number in everywhere
    stranger = new_case(reporter_phone="13900139000")
    assert section(page(client, cast.command, stranger), "caller-cases") == ""


def test_merged_cases_link_both_ways_and_repeats_at_the_same_place_are_suggested(cast, new_case, client):
    first, repeat, third = new_case(), new_case(), new_case(reporter_phone="13900139000")
    svc.case_merge(case=repeat, into=first, by=cast.operator, note="重复诉求")
    related = section(page(client, cast.community_staff, first), "related")
    assert repeat.number in related and third.number in related
    assert f'href="/work/cases/{first.number}/"' in section(page(client, cast.community_staff, repeat), "related")


def test_the_map_has_the_case_point_and_its_grid_without_any_tiles_by_default(cast, new_case, client):
    case = new_case(lat=30.605, lon=114.305, address="")
    html = page(client, cast.community_staff, case)
    data = json.loads(re.search(r'<script id="case-map-data" type="application/json">(.*?)</script>', html).group(1))
    assert data["point"] == [30.605, 114.305] and data["tiles"] == []
    assert data["boundary"] == cast.grid1.boundary
    assert "vendor/leaflet/leaflet.js" in html and "http" not in data.__repr__()


def test_a_configured_tile_server_is_handed_to_the_map(cast, new_case, client, settings):
    settings.HUYING = {**settings.HUYING, "MAP_TILES": {"kind": "url", "url": "http://tiles.intranet/{z}/{x}/{y}.png"}}
    html = page(client, cast.community_staff, new_case(lat=30.605, lon=114.305))
    assert "http://tiles.intranet/{z}/{x}/{y}.png" in html


def test_a_case_without_a_place_has_no_map(cast, new_case, client):
    case = new_case(category=cast.noise, address="", description="电话咨询，不涉及具体地点")
    assert 'id="case-map"' not in page(client, cast.command, case)


def test_the_reporters_photos_show_through_the_checked_view(cast, new_case, client):
    case = new_case(attachments=[jpeg_file()])
    html = page(client, cast.community_staff, case)
    request = section(html, "card\" aria-labelledby=\"request-title") or html[html.index('id="request-title"'):]
    found = re.findall(r'<img src="(/work/cases/attachments/\d+/)"', request)
    assert found and "/media/" not in html
    assert client.get(found[0])["Content-Type"] == "image/jpeg"


def _queries_for(client, user, case) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/work/cases/{case.number}/").status_code == 200
    return len(captured)


def test_the_page_takes_the_same_queries_however_long_the_story(cast, new_case, client, django_assert_max_num_queries):
    short, long = new_case(), new_case(reporter_phone="13900139000")
    for n in range(30):
        svc.case_add_note(case=long, by=cast.community_staff, note=f"第{n}次电话联系", attachments=[jpeg_file()])
    svc.case_add_cohandlers(case=long, by=cast.community_staff, units=[cast.parks, cast.water])
    svc.case_add_cohandlers(case=short, by=cast.community_staff, units=[cast.parks])
    assert _queries_for(client, cast.community_staff, long) == _queries_for(client, cast.community_staff, short)
    with django_assert_max_num_queries(30):
        client.get(f"/work/cases/{long.number}/")
