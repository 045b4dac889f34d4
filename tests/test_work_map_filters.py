"""The map's filters: date range, category, status and overdue; defaults; bad input named, never a 500."""

import datetime as dt

import pytest

from huying.cases.services import case_accept, case_resolve
from tests.cast import FROZEN_NOW


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.command)
    return client


def numbers(client, **query) -> list[str]:
    response = client.get("/work/map/cases.json", query)
    assert response.status_code == 200, response.content
    return sorted(row[0] for row in response.json()["rows"])


@pytest.fixture
def spread(cast, clock, new_case):
    """An old open case (40 days ago), a resolved one (5 days ago) and today's open trees case."""
    clock.move_to(FROZEN_NOW - dt.timedelta(days=40))
    old = new_case(description="四十天前的垃圾问题")
    clock.move_to(FROZEN_NOW - dt.timedelta(days=5))
    done = new_case(description="五天前已办结")
    case_accept(case=done, by=cast.community_staff)
    case_resolve(case=done, by=cast.community_staff, result="已清运")
    clock.move_to(FROZEN_NOW)
    trees = new_case(category=cast.trees, description="今天的树枝挡路")
    return {"old": old, "done": done, "trees": trees}


def test_a_bare_url_shows_open_cases_of_the_last_30_days(signed_in, spread):
    assert numbers(signed_in) == [spread["trees"].number]


def test_the_page_shows_the_default_filters_it_applies(signed_in, spread):
    page = signed_in.get("/work/map/").content.decode()
    assert 'name="date_from" value="2026-08-31"' in page and 'name="date_to" value="2026-09-30"' in page
    assert '<option value="open" selected>' in page


def test_dates_bound_the_cases_by_local_day_both_ends_included(signed_in, spread):
    assert numbers(signed_in, status="all", date_from="2026-09-25", date_to="2026-09-25") == [spread["done"].number]
    assert numbers(signed_in, status="all", date_to="2026-08-21") == [spread["old"].number]
    assert len(numbers(signed_in, status="all")) == 3  # no dates: all of them


def test_status_filters_open_done_all_and_one_status(signed_in, spread):
    assert numbers(signed_in, status="open") == sorted([spread["old"].number, spread["trees"].number])
    assert numbers(signed_in, status="done") == [spread["done"].number]
    assert numbers(signed_in, status="resolved") == [spread["done"].number]
    assert numbers(signed_in, status="dispatched") == sorted([spread["old"].number, spread["trees"].number])


def test_a_category_takes_in_its_subcategories(signed_in, cast, spread):
    greenery = cast.trees.parent  # 园林绿化, second level
    assert numbers(signed_in, status="all", category=greenery.code) == [spread["trees"].number]
    assert len(numbers(signed_in, status="all", category=greenery.parent.code)) == 3  # 城乡建设 holds both


def test_overdue_only_keeps_open_cases_past_their_deadline(signed_in, spread):
    assert numbers(signed_in, status="all", overdue="on") == [spread["old"].number]


def test_rows_say_status_overdue_and_urgency(signed_in, cast, new_case, spread):
    urgent = new_case(description="燃气泄漏", urgency="emergency", address="", lat=30.605, lon=114.305)
    body = signed_in.get("/work/map/cases.json", {"status": "all"}).json()
    rows = {row[0]: dict(zip(body["fields"], row, strict=True)) for row in body["rows"]}
    assert rows[spread["old"].number]["overdue"] == 1 and rows[spread["trees"].number]["overdue"] == 0
    assert rows[spread["done"].number]["status"] == "resolved"
    assert rows[urgent.number]["urgency"] == 2 and (rows[urgent.number]["lat"], rows[urgent.number]["lon"]) == (
        30.605, 114.305)
    # A case placed by its address alone is drawn at a point inside its grid (幸福里网格1: 114.30–114.31).
    old = rows[spread["old"].number]
    assert 30.60 < old["lat"] < 30.61 and 114.30 < old["lon"] < 114.31


@pytest.mark.parametrize(("query", "field", "words"), [
    ({"date_from": "2026-13-01"}, "date_from", "起始日期"),
    ({"date_from": "2026-09-10", "date_to": "2026-09-01"}, "date_to", "截止日期不能早于起始日期"),
    ({"status": "lost"}, "status", "状态"),
    ({"category": "NOPE"}, "category", "分类"),
])
def test_bad_filters_are_refused_with_the_field_named(signed_in, spread, query, field, words):
    response = signed_in.get("/work/map/cases.json", query)
    assert response.status_code == 400
    assert response.json()["field"] == field and words in response.json()["message"]
    assert signed_in.get("/work/map/heat.json", query).status_code == 400


def test_the_page_names_a_bad_field_and_keeps_what_was_typed(signed_in, spread):
    response = signed_in.get("/work/map/", {"date_from": "2026-09-10", "date_to": "2026-09-01", "status": "all"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in page
    assert 'value="2026-09-10"' in page and 'value="2026-09-01"' in page and '<option value="all" selected>' in page


def test_heat_counts_every_matching_case_per_cell(signed_in, cast, new_case, spread):
    for _ in range(3):
        new_case(description="同一地点多次反映", address="", lat=30.6081, lon=114.3172)  # in 幸福里网格2
    cells = signed_in.get("/work/map/heat.json", {"status": "all"}).json()["cells"]
    # The three exact points share one ~100 m cell; the three address-only cases sit at their grid's point.
    assert sorted(cells) == [[30.605, 114.305, 3], [30.608, 114.317, 3]]
