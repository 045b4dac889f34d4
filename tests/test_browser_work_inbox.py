"""The staff inbox (站内信) in a real browser: the badge, the inbox, a message opened onto its case."""

from urllib.parse import urlsplit

from tests.browser import screenshot
from tests.cast import PASSWORD
from tests.test_work_inbox import message


def log_in(page, username: str, lands_on: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == lands_on)  # the role's home page


def badge(page) -> str | None:
    found = page.locator(".work-nav .inbox-link .count")
    return found.inner_text() if found.count() else None


def test_community_staff_see_the_badge_open_a_message_and_land_on_its_case(desk_page, cast, new_case):
    page = desk_page
    garbage = new_case()
    corridor = new_case(description="幸福里3号楼楼道堆物")
    message(cast.community_staff, garbage, minutes_ago=30)
    message(cast.community_staff, corridor, minutes_ago=5)
    message(cast.community_staff, garbage, minutes_ago=60, read=True)
    message(cast.street_dispatcher, garbage)  # someone else's: neither counted nor listed

    log_in(page, "community", "/work/queues/")
    assert badge(page) == "2"
    page.locator(".work-nav .inbox-link").click()
    page.wait_for_url("**/work/inbox/")
    items = page.locator("ol.inbox li.message")
    assert items.count() == 3
    assert page.locator("ol.inbox li.message.unread").count() == 2
    assert f"【催办】工单{corridor.number}" in items.first.inner_text()  # newest first
    screenshot(page, "inbox")

    items.first.get_by_role("button", name=f"工单 {corridor.number}").click()
    page.wait_for_url(f"**/work/cases/{corridor.number}/")
    assert page.locator(".case-meta .number").inner_text() == corridor.number
    assert badge(page) == "1"

    page.goto("/work/inbox/?show=unread")
    assert page.locator("ol.inbox li.message").count() == 1
    page.get_by_role("button", name="全部标为已读").click()
    page.locator(".messages").get_by_text("已全部标为已读（1 条）").wait_for()
    assert badge(page) is None
    assert page.locator("ol.inbox li.message").count() == 0
