"""The rates pages in a real browser: the ranking chart drawn from the local ECharts, and a number followed to the
cases behind it."""

import pytest

from tests.browser import screenshot
from tests.test_analytics_drilldown import SEPTEMBER, september
from tests.test_browser_work_map import sign_in


@pytest.fixture
def seen(desk_page):
    urls: list[str] = []
    desk_page.on("request", lambda request: urls.append(request.url))
    return urls


def test_the_ranking_draws_its_chart_and_a_number_opens_its_cases(desk_page, live_server, seen, cast, new_case,
                                                                   clock):
    september(cast, new_case, clock)
    sign_in(desk_page, "command", "/work/rates/")
    desk_page.goto(f"/work/rates/ranking/?kind=street&period={SEPTEMBER}")
    desk_page.wait_for_selector("#ranking-chart[data-drawn] canvas")
    assert desk_page.inner_text("#good-list").count("西山街道") == 1
    assert "东湖街道" in desk_page.inner_text("#failing-list")
    screenshot(desk_page, "rates-ranking-streets")

    link = desk_page.locator(f'tr[data-unit="{cast.east.pk}"] td[data-metric="response_due"] a')
    shown = link.inner_text()
    link.click()
    desk_page.wait_for_selector("#drill-count")
    assert desk_page.inner_text("#drill-count") == shown == "4"
    assert desk_page.locator("table.drill-table tbody tr").count() == 4
    screenshot(desk_page, "rates-drill-down")

    desk_page.locator("table.drill-table tbody a").first.click()
    desk_page.wait_for_url("**/work/cases/HY*/")
    assert [url for url in seen if not url.startswith(live_server.url)] == []


def test_a_community_reads_its_own_rates_on_a_phone(phone_page, live_server, cast, new_case, clock):
    september(cast, new_case, clock)
    sign_in(phone_page, "community", "/work/rates/")
    phone_page.select_option("select[name=period]", SEPTEMBER)
    phone_page.click(".rates-picker button")
    phone_page.wait_for_url(f"**period={SEPTEMBER}**")
    tiles = phone_page.locator(".rates-card .rate-tile .value")
    assert tiles.all_inner_texts() == ["50.0%", "66.7%", "66.7%", "65.0"]
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone: the ranking tables scroll inside their own box
    screenshot(phone_page, "rates-overview-phone")
