"""Visits and forums (入户访, 座谈征): several demands in one go, all registered or none."""

import re

import pytest
from django.test import Client

from huying.cases.models import Case


@pytest.fixture
def staff(cast) -> Client:
    client = Client()
    client.force_login(cast.community_staff)
    return client


def served_key(client: Client) -> str:
    page = client.get("/console/visit/").content.decode()
    return re.search(r'name="form_key" value="([0-9a-f]+)"', page).group(1)


def sitting(client: Client, cast, rows: list[dict], kind: str = "visit", total: int = 5, **header) -> dict:
    data = {"form_key": served_key(client), "kind": kind, "address": "幸福里3号楼", "held_on": "2026-09-29",
            "participants": "3", "rows-TOTAL_FORMS": str(total), "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "50", **header}
    for index in range(total):
        row = rows[index] if index < len(rows) else {}
        data[f"rows-{index}-description"] = row.get("description", "")
        data[f"rows-{index}-category"] = row.get("category", "")
        data[f"rows-{index}-request_type"] = row.get("request_type", cast.help.pk)
        data[f"rows-{index}-reporter_phone"] = row.get("reporter_phone", "")
    return data


def test_each_filled_row_of_a_visit_becomes_a_proactive_visit_case(cast, staff):
    rows = [{"description": "楼道灯坏了", "category": cast.sanitation.pk},
            {"description": "想咨询老年卡办理", "request_type": cast.consult.pk, "reporter_phone": "13900139000"}]
    response = staff.post("/console/visit/", sitting(staff, cast, rows))
    assert response.status_code == 302
    cases = list(Case.objects.order_by("number"))
    assert [c.title for c in cases] == ["楼道灯坏了", "想咨询老年卡办理"]
    assert {(c.channel, c.proactive, c.created_by_id) for c in cases} == {("visit", True, cast.community_staff.pk)}
    assert cases[1].reporter_phone == "13900139000" and cases[1].request_type == cast.consult
    assert cases[0].address == "幸福里3号楼" and cases[0].current_unit == cast.xingfu  # routed like any case
    assert "2026-09-29" in cases[0].description and "3 人参加" in cases[0].description
    page = staff.get("/console/visit/").content.decode()
    assert all(c.number in page for c in cases)


def test_demands_heard_at_a_forum_are_forum_cases(cast, staff):
    staff.post("/console/visit/", sitting(staff, cast, [{"description": "小区停车难"}], kind="forum"))
    case = Case.objects.get()
    assert (case.channel, case.proactive) == ("forum", False)
    assert "座谈会" in case.description


def test_one_bad_row_keeps_every_row_out_and_names_the_row(cast, staff):
    rows = [{"description": "楼道灯坏了"}, {"description": "噪音扰民"},
            {"description": "下水道堵了", "reporter_phone": "12345"}]
    response = staff.post("/console/visit/", sitting(staff, cast, rows))
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "第 3 条：请填写正确的手机号码" in page
    assert "楼道灯坏了" in page  # the rows typed are still there to fix


def test_a_row_the_service_refuses_rolls_back_the_rows_before_it(cast, staff):
    # A description of spaces only passes as "changed" but no case may be made of it.
    rows = [{"description": "楼道灯坏了"}, {"description": "   ", "reporter_phone": "13900139000"}]
    response = staff.post("/console/visit/", sitting(staff, cast, rows))
    assert response.status_code == 200 and not Case.objects.exists()
    assert "第 2 条" in response.content.decode()


def test_a_row_with_only_a_phone_is_incomplete_not_skipped(cast, staff):
    response = staff.post("/console/visit/", sitting(staff, cast, [{"reporter_phone": "13900139000"}]))
    assert not Case.objects.exists()
    assert "第 1 条" in response.content.decode()


def test_nothing_filled_in_is_refused(cast, staff):
    response = staff.post("/console/visit/", sitting(staff, cast, []))
    assert response.status_code == 200 and not Case.objects.exists()
    assert "请至少填写一条诉求" in response.content.decode()


def test_a_visit_dated_tomorrow_is_refused(cast, staff):
    response = staff.post("/console/visit/", sitting(staff, cast, [{"description": "楼道灯坏了"}],
                                                     held_on="2026-10-01"))
    assert not Case.objects.exists() and "日期不能晚于今天" in response.content.decode()


def test_rows_added_beyond_the_first_five_are_registered(cast, staff):
    rows = [{"description": f"第{i}件事"} for i in range(7)]
    staff.post("/console/visit/", sitting(staff, cast, rows, total=7))
    assert Case.objects.count() == 7


def test_the_same_sitting_sent_twice_registers_once(cast, staff):
    data = sitting(staff, cast, [{"description": "楼道灯坏了"}, {"description": "噪音扰民"}])
    staff.post("/console/visit/", data)
    staff.post("/console/visit/", data)
    assert Case.objects.count() == 2


def test_the_page_works_without_javascript_with_five_blank_rows(cast, staff):
    page = staff.get("/console/visit/").content.decode()
    assert page.count('name="rows-') >= 5 * 4
    assert 'name="rows-4-description"' in page and 'name="rows-5-description"' not in page
    assert 'id="add-row"' in page and "__prefix__" in page.split('id="row-template"')[1]
