"""The case page in a real browser: the street whistles, departments report, the centre and a leader step in,
and the street resolves with a photo. Each role signs in through the login page and works the page's forms.
"""

import io

import pytest
from PIL import Image

from huying.cases import services as svc
from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from tests.browser import screenshot
from tests.cast import PASSWORD


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 10)).save(out, format="JPEG")
    return out.getvalue()


def sign_in(page, username: str, case: Case) -> None:
    """Sign out whoever is at the desk, then sign in as `username` straight onto the case page."""
    page.context.clear_cookies()
    path = f"/work/cases/{case.number}/"
    page.goto(f"/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{path}")


def open_action(page, label: str):
    """Open an action's form (a <details> under the actions card) and return the form."""
    action = page.locator("#actions details.action", has=page.locator("summary", has_text=label))
    action.locator("summary").click()
    return action.locator("form")


def said(page, text: str) -> None:
    page.locator(".messages").get_by_text(text).wait_for()


def test_a_case_is_whistled_reported_supervised_instructed_and_resolved(desk_page, cast, new_case):
    page = desk_page
    case = new_case(category=cast.noise, description="东湖路工地夜间施工噪声扰民", lat=30.605, lon=114.305)
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, reason="属地街道处理")

    sign_in(page, "street", case)
    page.locator("#case-map[data-ready]").wait_for()  # Leaflet drew the grid and the marker, without tiles
    screenshot(page, "case-1-street-opens")
    page.locator("#action-accept").get_by_role("button", name="签收").click()
    said(page, "已签收")
    assert page.locator(".case-meta .status").inner_text() == "已签收"
    screenshot(page, "case-2-street-accepted")

    form = open_action(page, "吹哨")
    form.get_by_label("园林局（职能部门）").check()
    form.get_by_label("水务局（职能部门）").check()
    form.locator("#id_summon-report_due_at").fill("2026-09-30T16:00")
    form.locator("#id_summon-note").fill("请园林、水务到场核查施工围挡和排水")
    screenshot(page, "case-3-whistle-dialog")
    form.get_by_role("button", name="确认吹哨").click()
    said(page, "已吹哨")
    summoned = page.locator(".assignments .summoned")
    assert summoned.locator("li.pending").count() == 2
    assert "剩余 6小时" in summoned.inner_text()  # counted from the server's clock
    screenshot(page, "case-4-whistled")

    sign_in(page, "parks", case)
    form = open_action(page, "报到反馈")
    form.get_by_label("报到情况（做了什么）").fill("已到场，绿化带未受影响")
    form.get_by_role("button", name="确认报到反馈").click()
    said(page, "已报到")
    screenshot(page, "case-5-parks-reported")
    sign_in(page, "water", case)
    form = open_action(page, "报到反馈")
    form.get_by_label("报到情况（做了什么）").fill("已疏通工地排水口")
    form.get_by_role("button", name="确认报到反馈").click()
    said(page, "已报到")
    assert page.locator(".assignments .summoned li.reported").count() == 2
    screenshot(page, "case-6-water-reported")

    sign_in(page, "command", case)
    form = open_action(page, "挂牌督办")
    form.get_by_label("督办要求（选填）").fill("群众多次投诉，三日内办结")
    form.get_by_role("button", name="确认挂牌督办").click()
    said(page, "已挂牌督办")
    assert "三日内办结" in page.locator("section.supervision").inner_text()
    screenshot(page, "case-7-supervised")

    sign_in(page, "leader", case)
    form = open_action(page, "领导批示")
    form.get_by_label("批示内容").fill("请街道盯紧，夜间施工一律叫停")
    form.get_by_role("button", name="确认领导批示").click()
    said(page, "已批示")
    assert "夜间施工一律叫停" in page.locator("section.instructions").inner_text()
    screenshot(page, "case-8-instructed")

    sign_in(page, "street", case)
    assert page.locator("section.supervision").is_visible() and page.locator("section.instructions").is_visible()
    form = open_action(page, "办结")
    form.get_by_label("办理结果").fill("已责令工地停止夜间施工，围挡整改完毕")
    form.locator("#id_resolve-photos").set_input_files(
        files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    form.get_by_role("button", name="确认办结").click()
    said(page, "已办结")
    photo = page.locator(".step-resolve .photos img")
    photo.scroll_into_view_if_needed()  # lazy-loaded: it loads once it is in view
    # The photo comes through work:attachment (access checked); a refused or broken one would have no width.
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    screenshot(page, "case-9-resolved")

    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.supervision_note) == ("resolved", "群众多次投诉，三日内办结")
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == [
        "create", "dispatch", "dispatch", "accept", "summon", "report_back", "report_back", "supervise", "instruct",
        "resolve"]
    reported = CaseAssignment.objects.filter(case=case, role=AssignmentRole.SUMMONED, reported_at__isnull=False)
    assert reported.count() == 2


def test_a_refused_form_keeps_what_was_typed_and_shows_no_script_is_needed(desk_page, cast, new_case):
    page = desk_page
    case = new_case()
    page.context.set_extra_http_headers({})
    sign_in(page, "community", case)
    form = open_action(page, "并单")
    form.get_by_label("并入工单编号").fill("HY20990101000001")
    form.get_by_role("button", name="确认并单").click()
    page.locator("#action-error").wait_for()
    assert "并入工单编号" in page.locator("#action-error").inner_text()
    assert page.locator("#id_merge-into").input_value() == "HY20990101000001"
    assert page.locator("#action-merge").get_attribute("open") is not None
    screenshot(page, "case-10-refused-merge")
