"""The work queues and the grid page in a real browser: tabs and filters swap the list in place (htmx)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from huying.cases.models import Urgency
from huying.cases.services import case_accept, case_dispatch, case_escalate, case_return
from tests.browser import screenshot
from tests.cast import PASSWORD


def log_in(page, username: str, lands_on: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == lands_on)  # the role's home page


def listed(page) -> list[str]:
    return page.eval_on_selector_all("#queue tbody tr", "rows => rows.map(r => r.dataset.number)")


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def mark_page(page) -> None:
    """A flag that survives only as long as the page is not reloaded."""
    page.evaluate("window.__stayed = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.__stayed === true")


@pytest.fixture
def street_cases(cast, new_case):
    escalated = new_case(description="幸福里3号楼垃圾清运不及时")
    case_accept(case=escalated, by=cast.community_staff)
    case_escalate(case=escalated, by=cast.community_staff, reason="需要街道协调")
    working = new_case(description="幸福里3号楼楼道堆物")
    case_accept(case=working, by=cast.community_staff)
    case_escalate(case=working, by=cast.community_staff, reason="需要街道协调")
    case_accept(case=working, by=cast.street_dispatcher)
    returned = new_case(category=cast.noise, address="", description="工地夜间施工噪音扰民", channel="web")
    case_dispatch(case=returned, to=cast.east, by=cast.command, reason="属地街道处理")
    case_dispatch(case=returned, to=cast.parks, by=cast.street_dispatcher, reason="园林局职责")
    case_return(case=returned, by=cast.parks_handler, reason="不属于园林局职责")
    return {"escalated": escalated, "working": working, "returned": returned}


def test_a_street_dispatcher_switches_tabs_filters_and_searches_without_reloading(desk_page, cast, street_cases):
    page = desk_page
    log_in(page, "street", "/work/queues/")
    assert listed(page) == [street_cases["escalated"].number]
    assert page.inner_text("#queue .tabs [aria-current=page]").startswith("待签收")
    screenshot(page, "queues-street-to-accept")
    mark_page(page)

    page.click("#queue .tabs a[data-tab=in_progress]")
    page.wait_for_function("() => document.querySelector('#tab-field').value === 'in_progress'")
    assert listed(page) == [street_cases["working"].number] and params(page)["tab"] == ["in_progress"]
    screenshot(page, "queues-street-in-progress")

    page.click("#queue .tabs a[data-tab=all]")
    page.wait_for_function("() => document.querySelector('#tab-field').value === 'all'")
    assert len(listed(page)) == 3
    page.select_option("select[name=channel]", "web")
    page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length === 1")
    assert listed(page) == [street_cases["returned"].number] and params(page)["channel"] == ["web"]
    screenshot(page, "queues-street-filtered")

    page.select_option("select[name=channel]", "")
    page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length === 3")
    page.fill("#q", "垃圾清运")
    page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length === 1")
    assert listed(page) == [street_cases["escalated"].number] and params(page)["q"] == ["垃圾清运"]
    screenshot(page, "queues-street-search")

    page.click("#queue .tabs a[data-tab=returned]")
    page.wait_for_function("() => document.querySelector('#tab-field').value === 'returned'")
    assert listed(page) == []  # the search still applies in the new tab
    page.fill("#q", "")
    page.wait_for_function("() => document.querySelectorAll('#queue tbody tr').length === 1")
    assert listed(page) == [street_cases["returned"].number]
    screenshot(page, "queues-street-returned")
    assert still_same_page(page)  # every step swapped the list in place

    page.reload()  # the URL alone rebuilds the same list: it can be shared
    assert listed(page) == [street_cases["returned"].number]


def test_the_command_centre_sees_unowned_cases_and_emergencies_first(desk_page, cast, new_case):
    page = desk_page
    unowned = new_case(category=cast.noise, address="", description="噪音扰民无人管")
    urgent = new_case(description="幸福里3号楼燃气泄漏", urgency=Urgency.EMERGENCY)
    plain = new_case(description="幸福里3号楼垃圾")
    log_in(page, "command", "/work/queues/")
    assert listed(page) == [urgent.number, plain.number, unowned.number]  # 特急 first, then the newest
    assert "urgent" in page.get_attribute(f"tr[data-number='{urgent.number}']", "class")
    screenshot(page, "queues-command-to-accept")
    mark_page(page)

    page.click("#queue .tabs a[data-tab=unassigned]")
    page.wait_for_function("() => document.querySelector('#tab-field').value === 'unassigned'")
    assert listed(page) == [unowned.number]
    screenshot(page, "queues-command-unassigned")

    page.click("#queue .tabs a[data-tab=all]")
    page.wait_for_function("() => document.querySelector('#tab-field').value === 'all'")
    page.select_option("select[name=street]", str(cast.west.pk))  # the community choices follow the street
    page.wait_for_function("() => ![...document.querySelectorAll('select[name=community] option')]"
                           ".some(o => o.textContent.includes('幸福里'))")
    assert listed(page) == []
    screenshot(page, "queues-command-street-filter")
    page.goto("/work/queues/?tab=all&created_from=2026-13-40")  # a bad date in a shared link
    assert "创建日期（起）：" in page.inner_text(".problems")
    assert len(listed(page)) == 3
    screenshot(page, "queues-command-bad-date")
    assert not still_same_page(page)


def test_a_grid_worker_works_from_the_phone_page(phone_page, cast, new_case):
    page = phone_page
    case = new_case()
    log_in(page, "gridworker", "/work/grid/")
    card = page.locator(f"a.case-card[data-number='{case.number}']")
    assert card.is_visible() and card.bounding_box()["height"] >= 48  # a target for a thumb
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    screenshot(page, "queues-grid-phone")
    page.click("text=开始巡查")
    page.wait_for_url(lambda url: urlsplit(url).path == "/patrol/")
    page.goto("/work/grid/")
    assert page.locator("#patrol-bar").inner_text().startswith("巡查中")
    screenshot(page, "queues-grid-phone-patrolling")
    page.click("a.case-card")
    page.wait_for_url(lambda url: urlsplit(url).path == f"/work/cases/{case.number}/")
