"""The hotline desk in a real browser: an operator takes calls with the keyboard alone."""

from urllib.parse import urlsplit

import pytest

from huying.cases.models import Case
from tests.cast import PASSWORD


def log_in_by_keyboard(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    wait_for_focus(page, "username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == next_url)  # the login URL holds next_url too


def focused_name(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name")


def wait_for_focus(page, name: str) -> None:
    """Autofocus lands when the page is next rendered, which may come a moment after the load event."""
    page.wait_for_function("name => document.activeElement && document.activeElement.name === name", arg=name)


@pytest.fixture
def desk(desk_page, cast):
    log_in_by_keyboard(desk_page, "operator", "/console/hotline/")
    return desk_page


def test_an_operator_types_a_call_with_the_keyboard_alone_and_sends_it_with_enter(desk, cast, new_case):
    earlier = new_case(description="上个月反映过的路灯问题")
    wait_for_focus(desk, "reporter_phone")
    desk.keyboard.type("13800138000")
    desk.locator("#caller").get_by_text(earlier.number).wait_for()  # the caller's history, fetched while typing
    desk.keyboard.press("Tab")
    desk.keyboard.type("张先生")
    desk.keyboard.press("Tab")
    assert focused_name(desk) == "category"
    desk.keyboard.type("T010101")  # a select jumps to the option whose text starts with what is typed
    desk.keyboard.press("Tab")
    assert focused_name(desk) == "request_type"
    desk.keyboard.press("ArrowRight")  # arrows move within the radio group
    chosen = desk.evaluate("document.activeElement.value")
    desk.keyboard.press("Tab")
    desk.keyboard.type("幸福里3号楼")
    desk.keyboard.press("Tab")
    desk.keyboard.type("门口垃圾两天没人清运")
    desk.keyboard.press("Enter")

    desk.locator(".messages").get_by_text("已派单").wait_for()
    case = Case.objects.exclude(pk=earlier.pk).get()
    assert case.number in desk.locator(".messages").inner_text()
    assert (case.channel, case.category, str(case.request_type_id)) == ("hotline", cast.sanitation, chosen)
    assert (case.reporter_name, case.current_unit) == ("张先生", cast.xingfu)
    wait_for_focus(desk, "reporter_phone")
    assert desk.input_value("[name=reporter_phone]") == "" and desk.input_value("[name=description]") == ""


def test_an_operator_answers_a_consultation_with_enter_in_the_answer_box(desk, cast):
    wait_for_focus(desk, "reporter_phone")
    desk.keyboard.type("13900139000")
    for _field in ("reporter_name", "category", "request_type", "address"):
        desk.keyboard.press("Tab")
    desk.keyboard.press("Tab")
    desk.keyboard.type("请问社区疫苗接种点在哪里")
    desk.keyboard.press("Shift+Enter")  # a new line, not a submission
    desk.keyboard.type("周末开放吗")
    desk.keyboard.press("Tab")
    assert focused_name(desk) == "answer"
    desk.keyboard.type("在社区卫生服务站，周末上午开放")
    desk.keyboard.press("Enter")

    desk.locator(".messages").get_by_text("已直接办结").wait_for()
    case = Case.objects.get()
    assert (case.status, case.result) == ("resolved", "在社区卫生服务站，周末上午开放")
    assert case.description == "请问社区疫苗接种点在哪里\n周末开放吗"
    wait_for_focus(desk, "reporter_phone")


def test_access_keys_reach_the_text_and_the_buttons_and_a_call_without_text_is_held_back(desk, cast):
    wait_for_focus(desk, "reporter_phone")
    desk.keyboard.type("13900139000")
    desk.keyboard.press("Alt+N")  # the access key of the text box
    assert focused_name(desk) == "description"
    desk.keyboard.press("Alt+S")  # 派单 with no text: the browser holds the form back
    desk.wait_for_timeout(300)
    assert not Case.objects.exists() and desk.input_value("[name=reporter_phone]") == "13900139000"
    desk.keyboard.type("小区门口路灯不亮")
    desk.keyboard.press("Alt+S")
    desk.locator(".messages").get_by_text("已派单").wait_for()
    assert Case.objects.get().description == "小区门口路灯不亮"
