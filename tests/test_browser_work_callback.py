"""A call-back (回访) in a real browser: the operator finds the resolved case in 待回访, records what the resident
said in the case's 考核 panel, and sees it in the panel and the timeline; the case leaves the queue."""

from huying.cases.models import Case
from huying.feedback.models import CallBack
from tests.browser import screenshot
from tests.cast import PASSWORD
from tests.test_feedback_helpers import handle_to_result

QUEUE = "/work/queues/?tab=to_call_back"


def sign_in(page, username: str, path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{path}")


def test_an_operator_records_a_call_back_and_sees_it_in_the_timeline(desk_page, cast, new_case):
    page = desk_page
    case = handle_to_result(cast, new_case(description="幸福里3号楼门口垃圾两天没人清运"))

    sign_in(page, "operator", QUEUE)
    page.locator("#queue").get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/work/cases/{case.number}/")
    screenshot(page, "callback-1-case")

    panel = page.locator("#measure")
    panel.locator("details#action-callback summary").click()
    form = panel.locator("#action-callback form")
    form.get_by_label("已联系上").check()
    form.get_by_label("已解决").check()
    form.get_by_label("基本满意").check()
    form.get_by_label("回访记录（选填）").fill("居民表示垃圾已清运，希望以后及时一些")
    screenshot(page, "callback-2-form")
    form.get_by_role("button", name="确认登记回访").click()
    page.locator(".messages").get_by_text("已登记回访").wait_for()

    row = panel.locator("table.callbacks tr.callback")
    assert row.count() == 1
    assert "基本满意" in row.inner_text() and "希望以后及时一些" in row.inner_text()
    step = page.locator("#timeline li.step-callback")
    step.scroll_into_view_if_needed()
    assert step.locator(".step-label").inner_text() == "回访"
    assert "已联系上" in step.inner_text() and "基本满意" in step.inner_text()
    screenshot(page, "callback-3-recorded")

    stored = CallBack.objects.get(case=case)
    assert (stored.reached, stored.solved, stored.satisfaction) == (True, True, "basic")
    assert Case.objects.get(pk=case.pk).status == "resolved"
    page.goto(QUEUE)
    assert page.locator("#queue tbody tr").count() == 0
