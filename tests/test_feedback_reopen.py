"""Not solved? The resident asks for the case to be handled again (重办), as often and as late as the policy says."""

import datetime as dt

from django.test import Client

from huying.cases.models import Case
from huying.feedback.models import FeedbackPolicy
from tests.test_feedback_helpers import handle_to_result


def reopen(client: Client, case: Case, reason: str = "垃圾还在，没有清运") -> str:
    response = client.post(f"/t/{case.tracking_token}/reopen/", {"reason": reason}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reopened_case_goes_back_to_its_unit_with_its_history(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    html = reopen(client, case)
    case.refresh_from_db()
    assert (case.status, case.current_unit, case.reopen_count, case.resolved_at) == ("reopened", cast.xingfu, 1, None)
    event = case.events.get(action="reopen")
    assert (event.note, event.data, event.actor) == ("垃圾还在，没有清运", {"by_resident": True}, None)
    assert "重办" in html and "已申请重办" in html and 'class="step-reopen"' in html
    assert 'class="step-resolve"' in html  # the first result stays in the history


def test_the_resident_reopens_once_and_is_then_refused(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    reopen(client, case)
    handle_to_result(cast, Case.objects.get(pk=case.pk), result="再次清运")
    assert "问题未解决，申请重办" not in client.get(f"/t/{case.tracking_token}/").content.decode()
    html = reopen(client, case, "还是没解决")
    assert "该工单已重办过，不能再次申请重办" in html
    assert Case.objects.get(pk=case.pk).status == "resolved"


def test_the_policy_may_allow_a_second_reopen(cast, new_case, client):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_limit": 2})
    case = handle_to_result(cast, new_case())
    reopen(client, case)
    handle_to_result(cast, Case.objects.get(pk=case.pk), result="再次清运")
    reopen(client, case, "还是没解决")
    assert Case.objects.get(pk=case.pk).reopen_count == 2


def test_no_reopen_after_the_window(cast, new_case, client, clock):
    FeedbackPolicy.objects.update_or_create(pk=1, defaults={"reopen_window_days": 7})
    case = handle_to_result(cast, new_case())
    clock.shift(dt.timedelta(days=8))
    assert "已超过可申请重办的期限" in client.get(f"/t/{case.tracking_token}/reopen/").content.decode()
    assert "已超过可申请重办的期限" in reopen(client, case)
    assert Case.objects.get(pk=case.pk).status == "resolved"


def test_a_case_still_being_handled_cannot_be_reopened(cast, new_case, client):
    case = new_case()
    assert "工单办结后才能申请重办" in client.get(f"/t/{case.tracking_token}/reopen/").content.decode()
    assert "工单办结后才能申请重办" in reopen(client, case)
    assert Case.objects.get(pk=case.pk).reopen_count == 0


def test_a_reopen_needs_a_reason(cast, new_case, client):
    case = handle_to_result(cast, new_case())
    assert "errorlist" in reopen(client, case, "   ")
    assert Case.objects.get(pk=case.pk).status == "resolved"
