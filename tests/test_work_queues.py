"""The work queues (工单队列): which cases each tab holds for whom, the counts, and what a row shows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.cases.models import Urgency
from huying.cases.services import (
    case_accept,
    case_dispatch,
    case_escalate,
    case_instruct,
    case_report_back,
    case_return,
    case_summon,
    case_supervise,
)
from huying.catalog.models import Category, DispatchRule
from huying.workbench.queues import tabs
from tests.cast import FROZEN_NOW

WEST_POINT = {"lat": 30.705, "lon": 114.405}  # inside 桃园网格1 (西山街道)


def queue(client, user, **params):
    client.force_login(user)
    response = client.get("/work/queues/", params)
    assert response.status_code == 200
    return response


def numbers(response) -> list[str]:
    """The case numbers listed, in order."""
    return re.findall(r'<tr class="[^"]*" data-number="([^"]+)"', response.content.decode())


def counts(response) -> dict[str, str]:
    found = re.findall(r'data-tab="(\w+)"[^>]*>[^<]*(?:<span class="count">([^<]+)</span>)?', response.content.decode())
    return dict(found)


def listed(client, user, tab: str, **params) -> list[str]:
    return numbers(queue(client, user, tab=tab, **params))


@pytest.fixture
def summoned_case(cast, new_case):
    """A case escalated to the street, accepted there and summoned to 园林局 (吹哨)."""
    case = new_case()
    case_accept(case=case, by=cast.community_staff)
    case_escalate(case=case, by=cast.community_staff, reason="需要街道协调")
    case_accept(case=case, by=cast.street_dispatcher)
    case_summon(case=case, by=cast.street_dispatcher, departments=[cast.parks],
                report_due_at=FROZEN_NOW + dt.timedelta(days=1))
    return case


def test_a_fresh_dispatch_waits_to_be_accepted_by_its_unit_only(cast, new_case, client):
    case = new_case()  # 垃圾清运 at 幸福里3号楼 → 幸福里社区 (A2)
    assert listed(client, cast.community_staff, "to_accept") == [case.number]
    assert listed(client, cast.community_staff, "in_progress") == []
    assert case.number not in listed(client, cast.street_dispatcher, "to_accept")  # not the street's to sign for
    assert listed(client, cast.parks_handler, "to_accept") == []


def test_another_units_cases_never_show_in_any_tab(cast, new_case, client):
    east = new_case()
    west = new_case(address="", **WEST_POINT)
    assert west.current_unit == cast.taoyuan
    for tab in ("to_accept", "in_progress", "due_soon", "overdue", "returned", "escalated", "summoned",
                "supervised", "all"):
        assert east.number not in listed(client, cast.outsider, tab)
        assert west.number not in listed(client, cast.community_staff, tab)
    assert listed(client, cast.outsider, "all") == [west.number]


def test_supervisors_see_every_unit_of_their_scope(cast, new_case, client):
    east, west = new_case(), new_case(address="", **WEST_POINT)
    for user in (cast.command, cast.leader):
        assert set(listed(client, user, "to_accept")) == {east.number, west.number}


def test_an_accepted_case_moves_from_to_accept_to_in_progress(cast, new_case, client):
    case = new_case()
    case_accept(case=case, by=cast.community_staff)
    assert listed(client, cast.community_staff, "to_accept") == []
    assert listed(client, cast.community_staff, "in_progress") == [case.number]


def test_due_soon_follows_the_response_deadline_before_acceptance_and_completion_after(cast, new_case, client,
                                                                                      clock):
    waiting = new_case()  # response due in 2 h
    accepted = new_case(description="幸福里3号楼垃圾桶满了")
    case_accept(case=accepted, by=cast.community_staff)  # completion due after the National Day week
    assert listed(client, cast.community_staff, "due_soon") == [waiting.number]
    assert listed(client, cast.community_staff, "overdue") == []
    clock.shift(dt.timedelta(hours=3))
    assert listed(client, cast.community_staff, "due_soon") == []
    assert listed(client, cast.community_staff, "overdue") == [waiting.number]
    clock.move_to(accepted.completion_due_at - dt.timedelta(hours=5))
    assert listed(client, cast.community_staff, "due_soon") == [accepted.number]
    clock.move_to(accepted.completion_due_at + dt.timedelta(minutes=1))
    assert set(listed(client, cast.community_staff, "overdue")) == {waiting.number, accepted.number}


def test_returned_cases_wait_for_their_dispatcher_and_only_dispatchers_have_the_tab(cast, new_case, client):
    case = new_case(address="", category=cast.noise)  # no rule → command centre
    case_dispatch(case=case, to=cast.east, by=cast.command, reason="属地街道处理")
    case_dispatch(case=case, to=cast.parks, by=cast.street_dispatcher, reason="园林局职责")
    case_return(case=case, by=cast.parks_handler, reason="不属于园林局职责")
    assert listed(client, cast.street_dispatcher, "returned") == [case.number]
    assert listed(client, cast.parks_handler, "to_accept") == []
    response = queue(client, cast.community_staff, tab="returned")
    assert 'data-tab="returned"' not in response.content.decode()
    assert "队列：" in response.content.decode()  # the unknown tab is named, and the first tab shown instead


def test_an_escalation_shows_at_the_street_and_leaves_the_community(cast, new_case, client):
    case = new_case()
    case_accept(case=case, by=cast.community_staff)
    case_escalate(case=case, by=cast.community_staff, reason="需要街道协调")
    assert listed(client, cast.street_dispatcher, "escalated") == [case.number]
    assert listed(client, cast.street_dispatcher, "to_accept") == [case.number]
    assert listed(client, cast.community_staff, "in_progress") == []


def test_a_summoned_department_sees_the_case_until_it_reports_back(cast, summoned_case, client):
    assert listed(client, cast.parks_handler, "summoned") == [summoned_case.number]
    assert listed(client, cast.water_handler, "summoned") == []
    assert listed(client, cast.street_dispatcher, "in_progress") == [summoned_case.number]
    case_report_back(case=summoned_case, by=cast.parks_handler, report="已到场修剪")
    assert listed(client, cast.parks_handler, "summoned") == []


def test_supervised_cases_show_to_their_handler_and_the_supervisor(cast, new_case, client):
    marked, plain = new_case(), new_case(description="幸福里3号楼楼道堆物")
    case_supervise(case=marked, by=cast.command, note="三日内办结")
    assert listed(client, cast.community_staff, "supervised") == [marked.number]
    assert listed(client, cast.command, "supervised") == [marked.number]
    assert plain.number not in listed(client, cast.command, "supervised")


def test_a_summoned_department_sees_a_supervised_case_it_helps_with(cast, summoned_case, client):
    case_supervise(case=summoned_case, by=cast.leader)
    assert listed(client, cast.parks_handler, "supervised") == [summoned_case.number]


def test_the_command_centre_sees_cases_nobody_owns_and_not_its_own_district_matters(cast, new_case, client):
    unowned = new_case(category=cast.noise)  # no dispatch rule: 权责不清
    lights = Category.objects.create(code="T0301", name="路灯", parent=None)
    DispatchRule.objects.create(category=lights, tier=cast.tier_c)  # a district matter: the centre's own
    district_matter = new_case(category=lights, description="路灯不亮")
    assert district_matter.current_unit == cast.centre
    assert listed(client, cast.command, "unassigned") == [unowned.number]
    case_dispatch(case=unowned, to=cast.east, by=cast.command, reason="属地处理")
    assert listed(client, cast.command, "unassigned") == []
    assert 'data-tab="unassigned"' not in queue(client, cast.street_dispatcher).content.decode()


def test_each_tab_shows_its_count(cast, new_case, client, clock):
    for i in range(3):
        new_case(description=f"幸福里3号楼垃圾第{i}次")
    case_accept(case=new_case(description="另一件"), by=cast.community_staff)
    found = counts(queue(client, cast.community_staff))
    assert found["to_accept"] == "3" and found["in_progress"] == "1" and found["due_soon"] == "3"
    assert found["overdue"] == "0" and found["all"] == ""  # the all-cases tab has no count


def test_counts_are_bounded(cast, new_case, monkeypatch):
    for i in range(3):
        new_case(description=f"第{i}件")
    monkeypatch.setattr(tabs, "COUNT_CAP", 2)
    scope = tabs.Scope.of(cast.community_staff)
    assert tabs.bounded_count(tabs.BY_KEY["to_accept"].cases(scope, FROZEN_NOW)) == "2+"


def test_a_row_shows_flags_and_never_the_reporters_contact(cast, new_case, client):
    case = new_case(business=True, company_name="某某公司", reporter_phone="13912345678", reporter_name="李四")
    case_supervise(case=case, by=cast.command)
    case_instruct(case=case, by=cast.leader, instruction="尽快处理")
    page = queue(client, cast.community_staff, tab="to_accept").content.decode()
    for flag in ("督办", "企业", "批示"):
        assert f'<span class="flag">{flag}</span>' in page
    assert "13912345678" not in page and "5678" not in page and "李四" not in page
    assert f'href="/work/cases/{case.number}/"' in page


def test_emergencies_come_first_and_are_highlighted(cast, new_case, client, clock):
    first = new_case(description="较早的一般诉求")
    clock.shift(dt.timedelta(minutes=5))
    urgent = new_case(description="燃气味很重", urgency=Urgency.EMERGENCY)
    clock.shift(dt.timedelta(minutes=5))
    latest = new_case(description="最新的一般诉求")
    response = queue(client, cast.command, tab="to_accept")
    assert numbers(response) == [urgent.number, latest.number, first.number]
    assert f'<tr class="urgent" data-number="{urgent.number}">' in response.content.decode()
    # The history tab is walked newest first only (a whole table sorted by urgency would not be cheap).
    assert numbers(queue(client, cast.command, tab="all", sort="urgency")) == [
        latest.number, urgent.number, first.number]


def test_the_list_costs_the_same_queries_for_two_rows_or_forty(cast, new_case, client):
    client.force_login(cast.community_staff)
    for i in range(2):
        new_case(description=f"第{i}件")
    with CaptureQueriesContext(connection) as few:
        client.get("/work/queues/", {"tab": "to_accept"})
    for i in range(38):
        new_case(description=f"再来第{i}件", business=i % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/work/queues/", {"tab": "to_accept"})
    assert len(numbers(response)) == 40
    assert len(many) == len(few) <= 25


def test_an_htmx_request_gets_only_the_list_and_the_tab_field(cast, new_case, client):
    case = new_case()
    client.force_login(cast.community_staff)
    page = client.get("/work/queues/", {"tab": "to_accept"}, HTTP_HX_REQUEST="true").content.decode()
    assert case.number in page and "<html" not in page
    assert 'id="tab-controls" class="tab-controls" hx-swap-oob="true"' in page
    assert 'id="tab-field" value="to_accept"' in page


def test_the_queues_need_a_signed_in_staff_member(client, cast):
    assert client.get("/work/queues/").status_code == 302
    client.force_login(cast.admin)  # administrators work in the admin site
    assert client.get("/work/queues/").status_code == 403


def test_in_english_the_queue_shows_english_names_where_the_data_has_them(cast, new_case):
    from django.test import Client

    cast.sanitation.name_en = "Refuse collection"
    cast.sanitation.save()
    cast.xingfu.name_en = "Xingfu Community"
    cast.xingfu.save()
    new_case()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cast.community_staff)
    page = client.get("/work/queues/", {"tab": "to_accept"}).content.decode()
    assert "Refuse collection" in page and "Xingfu Community" in page
    assert "东湖街道" in page  # no English name in the data: the Chinese one
