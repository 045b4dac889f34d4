"""The hotline desk (12345 坐席): a call is dispatched at once or answered directly, and the form comes back empty."""

import re

import pytest
from django.test import Client

from huying.cases.models import Case, CaseEvent

CALL = {"reporter_phone": "138 0013 8000", "reporter_name": "张先生", "address": "幸福里3号楼",
        "description": "3号楼门口垃圾两天没人清运"}


@pytest.fixture
def desk(cast) -> Client:
    client = Client()
    client.force_login(cast.operator)
    return client


def served_key(client: Client) -> str:
    page = client.get("/console/hotline/").content.decode()
    return re.search(r'name="form_key" value="([0-9a-f]+)"', page).group(1)


def post_call(client: Client, cast, action: str, **changes):
    data = {**CALL, "form_key": served_key(client), "category": cast.sanitation.pk,
            "request_type": cast.complaint.pk, "action": action, **changes}
    return client.post("/console/hotline/", data)


def test_a_dispatched_call_is_routed_and_the_desk_is_empty_again(cast, desk):
    response = post_call(desk, cast, "dispatch")
    assert response.status_code == 302 and response.url == "/console/hotline/"
    case = Case.objects.get()
    assert (case.channel, case.status, case.current_unit) == ("hotline", "dispatched", cast.xingfu)
    assert (case.reporter_phone, case.created_by, case.proactive) == ("13800138000", cast.operator, False)
    page = desk.get(response.url).content.decode()
    assert case.number in page and "幸福里社区" in page
    phone_input = re.search(r"<input[^>]*name=\"reporter_phone\"[^>]*>", page).group(0)
    assert "autofocus" in phone_input and "value=" not in phone_input
    assert "垃圾两天" not in page.split('id="call"')[1].split("</form>")[0]


def test_a_consultation_answered_directly_is_resolved_with_the_answer_and_never_routed(cast, desk):
    response = post_call(desk, cast, "answer", request_type=cast.consult.pk, category="",
                         answer="垃圾清运时间为每天7点和19点")
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.status, case.result) == ("hotline", "resolved", "垃圾清运时间为每天7点和19点")
    assert case.current_unit is None and case.resolved_at is not None
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", "actor"))
    assert actions == [("create", cast.operator.pk), ("resolve", cast.operator.pk)]
    assert "已直接办结" in desk.get("/console/hotline/").content.decode()


def test_answering_directly_without_an_answer_keeps_the_call_and_focuses_the_answer(cast, desk):
    response = post_call(desk, cast, "answer")
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "直接办结须填写答复内容" in page
    answer_box = re.search(r"<textarea[^>]*name=\"answer\"[^>]*>", page).group(0)
    assert "autofocus" in answer_box
    assert "垃圾两天没人清运" in page  # what was typed is still there


def test_an_answer_sent_with_dispatch_is_refused_rather_than_lost(cast, desk):
    response = post_call(desk, cast, "dispatch", answer="已告知")
    assert response.status_code == 200 and not Case.objects.exists()
    assert "请点“直接办结”" in response.content.decode()


def test_the_same_form_sent_twice_makes_one_case(cast, desk):
    key = served_key(desk)
    data = {**CALL, "form_key": key, "request_type": cast.complaint.pk, "action": "dispatch"}
    desk.post("/console/hotline/", data)
    desk.post("/console/hotline/", data)
    assert Case.objects.count() == 1
    assert "未重复建单" in desk.get("/console/hotline/").content.decode()


def test_the_same_answer_sent_twice_resolves_once(cast, desk):
    key = served_key(desk)
    data = {**CALL, "form_key": key, "request_type": cast.consult.pk, "action": "answer", "answer": "已解答"}
    desk.post("/console/hotline/", data)
    desk.post("/console/hotline/", data)
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="resolve").count() == 1


@pytest.mark.parametrize("phone", ["12345", "138001380001", "电话"])
def test_a_number_that_is_no_phone_number_is_refused(cast, desk, phone):
    response = post_call(desk, cast, "dispatch", reporter_phone=phone)
    assert response.status_code == 200 and not Case.objects.exists()
    assert "请填写正确的手机号码" in response.content.decode()


def test_a_landline_caller_is_accepted_in_one_spelling(cast, desk):
    post_call(desk, cast, "dispatch", reporter_phone="027-85551234")
    assert Case.objects.get().reporter_phone == "02785551234"


def test_a_call_without_a_category_goes_to_the_command_centre(cast, desk):
    post_call(desk, cast, "dispatch", category="")
    case = Case.objects.get()
    assert (case.status, case.current_unit) == ("dispatched", cast.centre)


def test_the_desk_offers_the_keyboard_order_and_access_keys(cast, desk):
    page = desk.get("/console/hotline/").content.decode()
    order = [page.index(f'name="{name}"') for name in
             ("reporter_phone", "category", "request_type", "address", "description", "answer", "action")]
    assert order == sorted(order)
    assert 'accesskey="p"' in page and 'value="dispatch" accesskey="s"' in page
    assert page.index('value="dispatch"') < page.index('value="answer"')  # Enter in a field sends 派单
