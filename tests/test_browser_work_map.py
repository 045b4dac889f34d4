"""The map in a real browser: boundaries and case markers drawn, a marker's popup links to its case."""

from urllib.parse import urlsplit

import pytest

from tests.browser import screenshot
from tests.cast import PASSWORD


def sign_in(page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSWORD)
    page.press("[name=password]", "Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == next_url)


@pytest.fixture
def requests_seen(desk_page):
    seen: list[str] = []
    desk_page.on("request", lambda request: seen.append(request.url))
    return seen


def test_the_map_draws_grids_and_case_markers_and_fetches_nothing_from_outside(
        desk_page, live_server, cast, new_case, requests_seen):
    lone = new_case(description="桃园网格里的垃圾", address="", lat=30.705, lon=114.405)
    for i in range(3):
        new_case(description=f"幸福里的第{i}件")  # placed by address: drawn inside 幸福里网格1
    sign_in(desk_page, "command", "/work/map/")
    desk_page.wait_for_selector("#map[data-areas=drawn][data-loaded=cases]")

    assert desk_page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 3  # one per grid
    assert desk_page.locator(".leaflet-overlay-pane path:not(.leaflet-interactive)").count() == 4  # outlines
    assert desk_page.locator(".case-cluster").count() >= 1 or desk_page.locator(".case-marker").count() == 4
    assert "显示 4 件工单" in desk_page.inner_text("#map-status")
    screenshot(desk_page, "map-command-centre")

    desk_page.evaluate("lat => window.huyingMap.map.setView([lat, 114.405], 16)", 30.705)
    marker = desk_page.locator(".leaflet-cases-pane path.case-marker")
    marker.first.wait_for()
    marker.first.click(force=True)
    link = desk_page.locator(".case-popup a")
    link.wait_for()
    assert link.inner_text() == lone.number and link.get_attribute("href") == f"/work/cases/{lone.number}/"
    assert "已派单" in desk_page.inner_text(".case-popup")
    screenshot(desk_page, "map-marker-popup")

    outside = [url for url in requests_seen if not url.startswith(live_server.url)]
    assert outside == []


def test_filters_redraw_the_markers_and_a_bad_date_is_named(desk_page, live_server, cast, new_case):
    new_case(description="垃圾没人清运")
    new_case(category=cast.trees, description="树枝挡路")
    sign_in(desk_page, "command", "/work/map/")
    desk_page.wait_for_selector("#map[data-loaded=cases]")
    assert "显示 2 件工单" in desk_page.inner_text("#map-status")

    desk_page.select_option("[name=category]", cast.trees.parent.code)
    desk_page.click("#map-filters button[type=submit]")
    desk_page.wait_for_function("document.getElementById('map-status').innerText.includes('显示 1 件工单')")
    assert f"category={cast.trees.parent.code}" in desk_page.url  # the filters are in the address to share

    desk_page.fill("[name=date_from]", "2026-09-30")
    desk_page.fill("[name=date_to]", "2026-09-01")
    desk_page.click("#map-filters button[type=submit]")
    desk_page.locator(".errorlist.live").wait_for()
    assert "截止日期不能早于起始日期" in desk_page.inner_text(".errorlist.live")
    assert desk_page.input_value("[name=date_to]") == "2026-09-01"  # what was typed stays
    screenshot(desk_page, "map-filter-error")


def test_a_grid_worker_sees_the_map_of_their_grid(desk_page, live_server, cast, new_case):
    new_case()
    sign_in(desk_page, "gridworker", "/work/map/")
    desk_page.wait_for_selector("#map[data-loaded=cases]")
    heat = desk_page.get_by_label("热力")
    heat.check()
    desk_page.locator(".leaflet-heatmap-layer").wait_for()
    screenshot(desk_page, "map-grid-worker-heat")
