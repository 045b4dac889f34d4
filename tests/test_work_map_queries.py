"""The map's JSON endpoints answer in a fixed number of queries, however many cases match."""

import pytest


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.command)
    return client


def many(new_case, count: int) -> None:
    for i in range(count):
        if i % 2:
            new_case(description=f"第{i}件", address="", lat=30.601 + i / 10000, lon=114.301)
        else:
            new_case(description=f"第{i}件")  # placed by address: drawn inside its grid


@pytest.mark.parametrize("url", ["/work/map/cases.json?status=all", "/work/map/heat.json?status=all"])
def test_case_points_and_heat_take_the_same_queries_for_two_cases_or_twenty(
        signed_in, new_case, django_assert_max_num_queries, url):
    many(new_case, 2)
    signed_in.get(url)  # warm: the grid centres are remembered per process
    with django_assert_max_num_queries(7) as few:
        signed_in.get(url)
    many(new_case, 18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = signed_in.get(url)
    assert response.status_code == 200


def test_the_boundaries_take_a_few_small_queries_once_built(signed_in, django_assert_max_num_queries):
    signed_in.get("/work/map/areas.json")
    # session, user, unit, its ancestors, registry stamp, outline fingerprint, scope, grids in scope
    with django_assert_max_num_queries(8):
        assert signed_in.get("/work/map/areas.json").status_code == 200


def test_the_map_page_itself_is_light(signed_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert signed_in.get("/work/map/").status_code == 200


def test_the_screen_figures_take_a_fixed_number_of_aggregate_queries(signed_in, new_case,
                                                                      django_assert_max_num_queries):
    many(new_case, 2)
    with django_assert_max_num_queries(16) as few:
        signed_in.get("/work/screen/stats.json")
    many(new_case, 18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert signed_in.get("/work/screen/stats.json").status_code == 200
