"""The trends page in a real browser: charts drawn from local files, numbers beside them, filters, the export."""

import io

from openpyxl import load_workbook

from huying.analytics.refresh import measures_refresh_all
from huying.cases.services import case_accept
from tests.browser import screenshot
from tests.test_browser_work_map import sign_in

PAGE = "/work/rates/trends/"
WEST = {"address": "", "lat": 30.705, "lon": 114.405}


def some_cases(cast, new_case) -> None:
    accepted = new_case()
    new_case(channel="web", request_type=cast.consult)
    new_case(category=cast.noise, **WEST)
    case_accept(case=accepted, by=cast.community_staff)
    measures_refresh_all()


def test_the_page_draws_every_chart_beside_its_numbers_and_fetches_nothing_from_outside(desk_page, live_server,
                                                                                        cast, new_case):
    some_cases(cast, new_case)
    seen: list[str] = []
    desk_page.on("request", lambda request: seen.append(request.url))
    sign_in(desk_page, "command", PAGE)
    desk_page.wait_for_selector("body[data-drawn='6']")
    for chart in ("category", "channel", "type", "place", "response", "completion"):
        assert desk_page.locator(f"#chart-{chart} canvas").count() >= 1, chart
    assert desk_page.inner_text("#trend-total") == "3"
    channels = desk_page.inner_text("#trend-channel table")
    assert "12345热线\t2\t66.7%" in channels and "网上报事\t1\t33.3%" in channels
    assert "西山街道\t1" in desk_page.inner_text("#trend-place table")
    assert desk_page.inner_text("#duration-table [data-duration=response] td:nth-child(2)") == "1"
    screenshot(desk_page, "analytics-trends")
    assert [url for url in seen if not url.startswith(live_server.url)] == []


def test_a_filter_redraws_the_page_for_fewer_cases(desk_page, live_server, cast, new_case):
    some_cases(cast, new_case)
    sign_in(desk_page, "command", PAGE)
    desk_page.select_option("#id_channel", "web")
    desk_page.click("#trend-filters button[type=submit]")
    desk_page.wait_for_url("**channel=web**")
    desk_page.wait_for_selector("body[data-drawn='6']")
    assert desk_page.inner_text("#trend-total") == "1"
    assert desk_page.input_value("#id_channel") == "web"


def test_the_export_downloads_the_tables_of_the_same_filters(desk_page, live_server, cast, new_case):
    some_cases(cast, new_case)
    sign_in(desk_page, "leader", PAGE)
    desk_page.goto(PAGE + "?channel=hotline")
    with desk_page.expect_download() as download:
        desk_page.click("#trend-export")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book["按来源渠道"].iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [("12345热线", 2)]


def test_bad_input_shows_a_chinese_error_naming_the_field(desk_page, live_server, cast):
    sign_in(desk_page, "command", PAGE)
    desk_page.fill("#id_date_from", "2026-09-20")
    desk_page.fill("#id_date_to", "2026-09-01")
    desk_page.click("#trend-filters button[type=submit]")
    desk_page.wait_for_selector("#trend-problems")
    assert desk_page.inner_text("#trend-problems") == "截止日期：截止日期不能早于起始日期"
    assert desk_page.locator("#trend-export").count() == 0


def test_on_a_phone_the_charts_fit_the_screen(phone_page, live_server, cast, new_case):
    some_cases(cast, new_case)
    sign_in(phone_page, "command", PAGE)
    phone_page.wait_for_selector("body[data-drawn='6']")
    width = phone_page.evaluate("document.getElementById('chart-category').getBoundingClientRect().width")
    assert 300 <= width <= 390
    screenshot(phone_page, "analytics-trends-phone")
