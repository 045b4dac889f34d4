"""The wall screen in a real browser: charts drawn, numbers filled, and a refresh without reloading the page."""

import pytest

from tests.browser import screenshot
from tests.test_browser_work_map import sign_in

WALL = {"width": 1920, "height": 1080}


@pytest.fixture
def wall(chromium, live_server):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport=WALL)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.requests_seen = seen
    yield page
    context.close()


def test_the_screen_draws_its_charts_numbers_lists_and_map(wall, live_server, cast, new_case):
    new_case(description="幸福里垃圾没人清运")
    new_case(channel="web", description="桃园路灯不亮", address="", lat=30.705, lon=114.405)
    emergency = new_case(urgency="emergency", description="幸福里小区闻到燃气味")
    sign_in(wall, "command", "/work/screen/")
    wall.wait_for_selector("#stage[data-drawn][data-map=drawn]")

    for chart in ("channel", "category", "status", "street"):
        assert wall.locator(f"#chart-{chart} canvas").count() >= 1, chart
    assert wall.inner_text("[data-kpi=today] >> nth=0") == "3"
    assert wall.inner_text(".kpis [data-kpi=month]") == "3"
    assert wall.inner_text(".kpis [data-kpi=open]") == "3"
    assert wall.inner_text("[data-rate=satisfied]") == "—"
    assert emergency.number in wall.inner_text("#emergency-list")
    assert wall.locator("#screen-map .leaflet-overlay-pane path.leaflet-interactive").count() == 3  # the grids
    # The lone case in 桃园网格1 is a marker of its own; the two in 幸福里网格1 share a cluster.
    assert wall.locator("#screen-map .leaflet-cases-pane path.case-marker").count() == 1
    assert wall.locator("#screen-map .case-cluster").inner_text() == "2"
    assert wall.locator("#screen-map .leaflet-heatmap-layer").count() == 1
    screenshot(wall, "screen-command-centre")

    outside = [url for url in wall.requests_seen if not url.startswith(live_server.url)]
    assert outside == []


def test_the_screen_refreshes_its_figures_without_reloading(wall, live_server, cast, new_case):
    new_case()
    sign_in(wall, "leader", "/work/screen/")
    wall.wait_for_selector("#stage[data-drawn][data-map=drawn]")
    assert wall.inner_text(".kpis [data-kpi=today]") == "1"
    wall.evaluate("window.stillTheSamePage = true")
    new_case(channel="web", description="刚刚收到的诉求")
    wall.evaluate("window.huyingScreen.refresh()")  # what the minute timer does
    wall.wait_for_function("document.querySelector('.kpis [data-kpi=today]').textContent === '2'")
    assert wall.evaluate("window.stillTheSamePage") is True  # no full reload
    screenshot(wall, "screen-after-refresh")


def test_an_empty_district_shows_dashes_and_empty_charts(wall, live_server, cast):
    sign_in(wall, "command", "/work/screen/")
    wall.wait_for_selector("#stage[data-drawn][data-map=drawn]")
    assert [wall.inner_text(f"[data-rate={name}]") for name in ("response", "solved", "satisfied", "composite")] == [
        "—", "—", "—", "—"]
    assert wall.inner_text("#overdue-list tbody") == "无"
    screenshot(wall, "screen-empty")


def test_the_refresh_brings_the_ledgers_rates_and_their_period(wall, live_server, cast, new_case):
    from huying.analytics.refresh import measures_refresh_all
    from tests.test_analytics_ledger_helpers import handled, rated

    sign_in(wall, "command", "/work/screen/")
    wall.wait_for_selector("#stage[data-drawn][data-map=drawn]")
    assert wall.inner_text("[data-rate=period]") == "2026-09 · 按受理时间统计"
    rated(handled(cast, new_case()), satisfaction=5)
    measures_refresh_all()  # the worker's pass
    wall.evaluate("window.huyingScreen.refresh()")
    wall.wait_for_function("document.querySelector('[data-rate=solved]').textContent === '100.0%'")
    assert wall.inner_text("[data-rate-sub=satisfied]") == "1/1"
    assert wall.inner_text("[data-rate=composite]") == "100.0"
