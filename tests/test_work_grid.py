"""The grid worker's phone page (我的网格): my grid's open cases and the patrol buttons."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.cases.models import Urgency
from huying.cases.services import case_accept, case_resolve
from huying.proactive.services import patrol_start
from tests.test_work_queues import WEST_POINT


def grid_page(client, user):
    client.force_login(user)
    return client.get("/work/grid/")


def cards(response) -> list[str]:
    return re.findall(r'class="case-card[^"]*" href="[^"]+" data-number="([^"]+)"', response.content.decode())


def test_a_grid_worker_sees_the_open_cases_of_their_grid_only(cast, new_case, client):
    here = new_case()  # 幸福里3号楼 lies in 幸福里网格1, handled by the community
    done = new_case(description="幸福里3号楼路灯坏了")
    case_accept(case=done, by=cast.community_staff)
    case_resolve(case=done, by=cast.community_staff, result="已修好")
    elsewhere = new_case(address="", **WEST_POINT)
    response = grid_page(client, cast.grid_worker)
    assert response.status_code == 200
    assert cards(response) == [here.number]
    assert elsewhere.number not in response.content.decode()
    assert f'href="/work/cases/{here.number}/"' in response.content.decode()


def test_emergencies_come_first_on_the_grid_page(cast, new_case, client):
    plain = new_case()
    urgent = new_case(description="幸福里3号楼燃气泄漏", urgency=Urgency.EMERGENCY)
    assert cards(grid_page(client, cast.grid_worker)) == [urgent.number, plain.number]


def test_the_page_offers_patrol_start_and_report_then_stop_while_patrolling(cast, client):
    page = grid_page(client, cast.grid_worker).content.decode()
    assert 'action="/patrol/start/"' in page and 'href="/patrol/report/"' in page and 'href="/patrol/"' in page
    patrol_start(worker=cast.grid_worker)
    page = grid_page(client, cast.grid_worker).content.decode()
    assert 'action="/patrol/stop/"' in page and "巡查中" in page


def test_starting_a_patrol_from_the_page_works(cast, client):
    client.force_login(cast.grid_worker)
    response = client.post("/patrol/start/")
    assert response.status_code == 302
    assert 'action="/patrol/stop/"' in client.get("/work/grid/").content.decode()


def test_only_grid_workers_have_the_page(cast, client):
    assert client.get("/work/grid/").status_code == 302  # to the login page
    assert grid_page(client, cast.street_dispatcher).status_code == 403


def test_the_grid_page_costs_the_same_queries_for_one_case_or_twenty(cast, new_case, client):
    client.force_login(cast.grid_worker)
    new_case()
    with CaptureQueriesContext(connection) as few:
        client.get("/work/grid/")
    for i in range(19):
        new_case(description=f"幸福里3号楼第{i}件", proactive=i % 3 == 0)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/work/grid/")
    assert len(cards(response)) == 20
    assert len(many) == len(few) <= 10
