"""Triage on the hotline desk in a real browser: suggestions appear while the call is typed, a click sets the
category, a gas leak raises the urgency banner with the emergency path, and possible duplicates are linked."""

import importlib

import pytest
from django.apps import apps

from huying.catalog.models import Category
from tests.browser import screenshot
from tests.test_browser_console_hotline import log_in_by_keyboard, wait_for_focus

RUBBISH = "小区垃圾桶满溢，垃圾站臭气熏天，好几天没人收"


@pytest.fixture
def catalogue(cast):
    """The default catalogue with its keywords (a transactional test may have emptied the migrated rows)."""
    migration = importlib.import_module("huying.catalog.migrations.0002_default_catalogue")
    migration.load_categories(apps, None)
    return Category.objects.get(code="010101")  # 垃圾清运: 垃圾 清运 垃圾桶 垃圾站 满溢 没人收 …


@pytest.fixture
def desk(desk_page, cast, catalogue):
    log_in_by_keyboard(desk_page, "operator", "/console/hotline/")
    wait_for_focus(desk_page, "reporter_phone")
    return desk_page


def test_suggestions_appear_while_typing_and_a_click_sets_the_category(desk, catalogue):
    assert desk.locator("#suggest").is_hidden()
    desk.fill("[name=description]", RUBBISH)
    chip = desk.locator("#suggest .chip", has_text="垃圾清运")
    chip.wait_for()
    assert "%" in chip.inner_text() and "关键词规则" in desk.locator("#suggest").inner_text()
    assert desk.input_value("[name=category]") == ""
    chip.click()
    assert desk.input_value("[name=category]") == str(catalogue.pk)
    assert chip.get_attribute("aria-pressed") == "true"
    screenshot(desk, "console-triage-suggestions")


def test_a_gas_leak_raises_the_urgency_banner_and_its_button_takes_the_emergency_path(desk, catalogue):
    desk.select_option("[name=category]", value=str(catalogue.pk))
    desk.fill("[name=description]", "3号楼楼道里燃气味道很大，好像漏气了")
    banner = desk.locator("#urgent")
    banner.wait_for()
    assert "燃气泄漏" in banner.inner_text() and "燃气味" in banner.inner_text()
    assert desk.locator("input[name=urgency][value=normal]").is_checked()
    desk.click("#urgent-path")
    assert desk.locator("input[name=urgency][value=emergency]").is_checked()
    assert desk.input_value("[name=category]") == ""  # no category: the duty unit takes it at once
    screenshot(desk, "console-triage-urgent")
    desk.fill("[name=description]", "楼道灯不亮")
    desk.locator("#urgent").wait_for(state="hidden")


def test_a_possible_duplicate_is_listed_with_a_link_to_the_case(desk, cast, new_case, duplicate_filter):
    earlier = new_case(description="幸福里3号楼门口垃圾两天没人清运", address="幸福里3号楼")
    desk.fill("[name=address]", "幸福里3号楼")
    desk.fill("[name=description]", "幸福里3号楼门口垃圾两天没人清运")
    link = desk.locator("#duplicates a", has_text=earlier.number)
    link.wait_for()
    assert link.get_attribute("href") == f"/work/cases/{earlier.number}/"
    listed = desk.locator("#duplicates li").first.inner_text()
    assert "重复度" in listed and "同一楼栋" in listed
    assert "幸福里小区3栋" in desk.locator("#triage-place").inner_text()
    screenshot(desk, "console-triage-duplicates")


def test_a_resident_sees_category_chips_and_the_emergency_numbers(phone_page, cast, catalogue):
    page = phone_page
    page.goto("/r/new/")
    page.get_by_label("诉求内容").fill(RUBBISH)
    chip = page.locator("#category-suggest .chip", has_text="垃圾清运")
    chip.wait_for()
    chip.click()
    assert page.input_value("#id_category") == str(catalogue.pk)
    assert page.locator("#urgent-hint").is_hidden()
    page.get_by_label("诉求内容").fill("楼道里燃气味道很大，好像漏气了")
    hint = page.locator("#urgent-hint")
    hint.wait_for()
    assert "110" in hint.inner_text() and hint.get_by_role("link", name="使用一键紧急呼叫").is_visible()
    screenshot(page, "resident-triage-urgent")
