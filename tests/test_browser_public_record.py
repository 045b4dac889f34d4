"""A member of the public on a phone reads the public record (公示) and the monthly rankings."""

import datetime as dt

from playwright.sync_api import Page, expect

from huying.analytics.refresh import measures_refresh_all
from huying.feedback.services import rating_create
from tests.browser import screenshot
from tests.test_public_record import SHANGHAI, handled, personal_case


def fits_the_screen(page: Page) -> bool:
    """Nothing sticks out sideways: a wide table scrolls in its own box, never the page."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_public_record_reads_on_a_phone_without_personal_data(phone_page, transactional_db, cast, new_case):
    case = personal_case(cast, new_case)
    phone_page.goto("/gongshi/")
    card = phone_page.locator(f'article[data-number="{case.number}"]')
    expect(card).to_contain_text("东湖街道 · 幸福里社区")
    expect(card.locator("h2")).to_have_text("垃圾清运 · 投诉")  # the category, never the resident's own title
    expect(card).not_to_contain_text("垃圾三天没人清运")
    expect(card.locator("p.result")).to_contain_text("网格员赵**上门联系王**先生（139****5678）")
    expect(phone_page.locator("footer")).to_contain_text("诉求人要求匿名的诉求")
    assert fits_the_screen(phone_page)
    screenshot(phone_page, "public-record-phone")

    phone_page.get_by_label("工单编号").fill(case.number)
    phone_page.get_by_role("button", name="查询").click()
    expect(phone_page).to_have_url(f"/gongshi/search/?number={case.number}")
    expect(phone_page.locator(f'article[data-number="{case.number}"]')).to_contain_text("每日清运")


def test_the_monthly_rankings_read_on_a_phone(phone_page, transactional_db, cast, new_case, clock):
    rating_create(case=handled(cast, new_case()), responsiveness=5, completion=5, satisfaction=5, solved=True)
    clock.move_to(dt.datetime(2026, 10, 15, 9, 0, tzinfo=SHANGHAI))
    measures_refresh_all()
    phone_page.goto("/gongshi/")
    phone_page.get_by_role("link", name="月度排名").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("2026-09 月度考核排名")
    east = phone_page.locator(f'table[data-kind="street"] tr[data-unit="{cast.east.code}"]')
    expect(east.locator('td[data-field="satisfied"]')).to_have_text("100.0%")
    expect(east.locator('td[data-field="band"]')).to_have_text("红榜")
    expect(phone_page.locator('[data-band="good"]')).to_contain_text("东湖街道")
    assert fits_the_screen(phone_page)
    screenshot(phone_page, "public-rankings-phone")

    phone_page.get_by_role("button", name="English").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    assert "lang=en" in phone_page.url
    phone_page.get_by_role("link", name="‹ 2026-08").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    assert "month=2026-08" in phone_page.url
