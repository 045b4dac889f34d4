"""The case page's 考核 panel: how the case counts, its call-backs (回访) and ratings, and exclusions (考核核减)
asked for, decided and undone through the panel's forms — offered only to those allowed, errors naming the field."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huying.analytics.refresh import measures_refresh_all
from huying.cases import services as svc
from huying.cases.models import Case, CaseEvent
from huying.feedback.models import CallBack
from huying.feedback.services import callback_record, rating_create
from tests.test_feedback_helpers import handle_to_result


def page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(f"/work/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str) -> str:
    start = html.index('id="measure"')
    return html[start:html.index("</section>", start)]


def timeline(html: str) -> str:
    return html[html.index('id="timeline"'):]


def act(client, user, case, action, **fields):
    client.force_login(user)
    data = {f"{action}-{name}": value for name, value in fields.items()}
    data[f"{action}-version"] = Case.objects.get(pk=case.pk).version
    return client.post(f"/work/cases/{case.number}/{action}/", data)


def done(response) -> None:
    assert response.status_code == 302, response.content.decode()[:3000]


def text(html: str) -> str:
    """The visible words of a piece of page, tags dropped and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def resolved(cast, new_case) -> Case:
    return handle_to_result(cast, new_case())


# ---- how the case counts ---------------------------------------------------------------------------------


def test_the_panel_says_the_case_is_not_counted_yet_until_the_worker_has_run(cast, resolved, client):
    shown = panel(page(client, cast.community_staff, resolved))
    assert "尚未计入考核台账" in shown and "考核对象" not in shown


def test_the_panel_shows_month_accountable_unit_response_and_latest_evaluation(cast, resolved, client):
    rating_create(case=resolved, responsiveness=5, completion=5, satisfaction=5, solved=True, comment="很及时")
    measures_refresh_all()
    shown = text(panel(page(client, cast.community_staff, resolved)))
    assert "考核状态 计入三率" in shown
    assert "计入月份 2026-09（按受理时间统计）" in shown and "办结月份 2026-09" in shown
    assert "考核对象 幸福里社区" in shown
    assert "响应 按时响应" in shown and "办结 按时办结" in shown
    assert "最新评价 满意，已解决（诉求人评价）" in shown
    assert "很及时" in shown  # the resident's rating, with its comment
    assert "尚未计入考核台账" not in shown and "重新计算" not in shown


def test_a_change_after_the_last_count_is_announced_until_the_worker_counts_again(cast, resolved, client):
    measures_refresh_all()
    callback_record(case=resolved, by=cast.operator, reached=False)
    assert "考核数据将在后台下次更新时重新计算" in panel(page(client, cast.community_staff, resolved))
    measures_refresh_all()
    assert "重新计算" not in panel(page(client, cast.community_staff, resolved))


# ---- call-backs ------------------------------------------------------------------------------------------


def test_an_operator_records_a_reached_call_back_and_sees_it_with_the_note(cast, resolved, client):
    done(act(client, cast.operator, resolved, "callback", reached="yes", solved="yes", satisfaction="basic",
             note="居民表示已清运\r\n但清运不够及时"))
    stored = CallBack.objects.get(case=resolved)
    assert (stored.reached, stored.solved, stored.satisfaction, stored.operator) == (True, True, "basic", cast.operator)
    assert stored.note == "居民表示已清运\n但清运不够及时"
    html = page(client, cast.operator, resolved)
    row = text(panel(html)[panel(html).index('class="callbacks"'):])
    assert "第1轮" in row and "已联系上" in row and "已解决" in row and "基本满意" in row and "但清运不够及时" in row
    step = text(timeline(html)[timeline(html).index('class="step step-callback"'):])
    assert "回访" in step and "联系结果 已联系上" in step and "满意度 基本满意" in step
    assert Case.objects.get(pk=resolved.pk).status == "resolved"


def test_an_unreached_call_back_is_kept_and_carries_no_verdict_whatever_was_ticked(cast, resolved, client):
    done(act(client, cast.operator, resolved, "callback", reached="no", solved="no", satisfaction="unsatisfied"))
    stored = CallBack.objects.get(case=resolved)
    assert (stored.reached, stored.solved, stored.satisfaction) == (False, None, "")
    assert Case.objects.get(pk=resolved.pk).status == "resolved"  # "not solved" was never said
    assert "联系结果 未联系上" in text(timeline(page(client, cast.operator, resolved)))


def test_a_reached_call_back_without_its_verdict_names_both_fields_and_records_nothing(cast, resolved, client):
    response = act(client, cast.operator, resolved, "callback", reached="yes")
    html = response.content.decode()
    assert response.status_code == 422
    assert "问题是否解决</a>：联系上诉求人时须选择问题是否解决" in html
    assert "满意度</a>：联系上诉求人时须选择满意度" in html
    assert 'id="action-callback" open' in html  # the form stays open, as typed
    assert not CallBack.objects.exists()


def test_a_call_back_without_the_reached_choice_names_that_field(cast, resolved, client):
    response = act(client, cast.operator, resolved, "callback", solved="yes", satisfaction="satisfied")
    assert response.status_code == 422 and "联系结果</a>：" in response.content.decode()


def test_a_not_solved_call_back_reopens_the_case_and_the_timeline_says_why(cast, resolved, client):
    done(act(client, cast.command, resolved, "callback", reached="yes", solved="no", satisfaction="unsatisfied",
             note="垃圾仍未清运"))
    stored = Case.objects.get(pk=resolved.pk)
    assert (stored.status, stored.reopen_count) == ("reopened", 1)
    steps = text(timeline(page(client, cast.command, resolved)))
    assert "重办" in steps and "方式 回访反映未解决，自动重办" in steps and "回访反映问题未解决" in steps


def test_a_reopening_after_a_residents_rating_is_named_as_such(cast, resolved, client):
    rating_create(case=resolved, responsiveness=2, completion=1, satisfaction=1, solved=False)
    assert Case.objects.get(pk=resolved.pk).status == "reopened"
    steps = text(timeline(page(client, cast.command, resolved)))
    assert "方式 群众评价未解决，自动重办" in steps and "群众申请重办" not in steps


def test_the_call_back_form_is_only_for_the_hotline_and_the_command_centre(cast, resolved, client):
    assert 'id="action-callback"' in page(client, cast.operator, resolved)
    assert 'id="action-callback"' in page(client, cast.command, resolved)
    assert 'id="action-callback"' not in page(client, cast.community_staff, resolved)
    response = act(client, cast.community_staff, resolved, "callback", reached="no")
    assert response.status_code == 403 and not CallBack.objects.exists()


def test_a_case_still_being_handled_offers_no_call_back(cast, new_case, client):
    case = new_case()
    assert 'id="action-callback"' not in page(client, cast.operator, case)
    assert act(client, cast.operator, case, "callback", reached="no").status_code == 403


# ---- what the resident said: in full only for who sees the reporter ------------------------------------------

PHONE, DOOR = "13912345678", "3栋2单元501室"
NOTE = f"居民说可打{PHONE}找他，住{DOOR}，楼道灯仍不亮"
COMMENT = f"我家在3-2-501，有事打{PHONE}"


def said(cast, new_case, anonymous: bool) -> Case:
    """A resolved case whose call-back note and rating comment quote the resident's phone and flat."""
    case = handle_to_result(cast, new_case(anonymous=anonymous, reporter_phone=PHONE))
    rating_create(case=case, responsiveness=5, completion=5, satisfaction=4, solved=True, comment=COMMENT)
    callback_record(case=case, by=cast.operator, reached=True, solved=True, satisfaction="satisfied", note=NOTE)
    return case


def test_for_an_anonymous_reporter_the_handler_and_the_street_see_the_notes_masked(cast, new_case, client):
    case = said(cast, new_case, anonymous=True)
    for who in (cast.community_staff, cast.street_dispatcher):  # the handling community, the street above it
        html = page(client, who, case)
        shown = text(panel(html))
        assert PHONE not in html, who.username
        assert "139****5678" in shown and "住*栋*单元*室，楼道灯仍不亮" in shown
        assert "我家在*，有事打139****5678" in shown
        assert "501" not in shown and "3栋" not in shown


def test_the_hotline_and_the_command_centre_see_the_notes_in_full(cast, new_case, client):
    case = said(cast, new_case, anonymous=True)
    for who in (cast.operator, cast.command):
        shown = text(panel(page(client, who, case)))
        assert NOTE in shown and COMMENT in shown, who.username


def test_a_named_reporters_handler_sees_the_notes_in_full_and_the_street_masked(cast, new_case, client):
    case = said(cast, new_case, anonymous=False)
    assert NOTE in text(panel(page(client, cast.community_staff, case)))
    street = text(panel(page(client, cast.street_dispatcher, case)))
    assert NOTE not in street and PHONE not in street and DOOR not in street and "楼道灯仍不亮" in street


def test_the_reporters_own_name_in_a_note_is_masked_too(cast, new_case, client):
    case = handle_to_result(cast, new_case(reporter_name="王建国"))
    callback_record(case=case, by=cast.operator, reached=False, note="王建国未接听，改日再打")
    shown = text(panel(page(client, cast.street_dispatcher, case)))
    assert "王建国" not in shown and "王*未接听" in shown


# ---- exclusions ------------------------------------------------------------------------------------------


def test_the_handler_asks_a_supervisor_approves_and_the_case_leaves_the_rates(cast, resolved, client):
    done(act(client, cast.community_staff, resolved, "request-exclusion", reason="malicious",
             note="同一号码一天内重复来电二十次，内容不实"))
    assert Case.objects.get(pk=resolved.pk).exclusion_requested == "malicious"
    shown = text(panel(page(client, cast.command, resolved)))
    assert "核减申请待审批" in shown and "核减原因：恶意诉求" in shown and "内容不实" in shown
    assert "申请人" in shown and "幸福里社区" in shown
    done(act(client, cast.command, resolved, "decide-exclusion", approve="yes", note="情况属实"))
    stored = Case.objects.get(pk=resolved.pk)
    assert (stored.exclusion, stored.exclusion_requested) == ("malicious", "")
    measures_refresh_all()
    html = page(client, cast.command, resolved)
    shown = text(panel(html))
    assert "已核减" in shown and "审批人" in shown and "不计入三率（核减：恶意诉求）" in shown
    steps = text(timeline(html))
    assert "申请核减" in steps and "核减原因 恶意诉求" in steps
    assert "核减审批" in steps and "审批意见 同意核减" in steps


def test_an_exclusion_request_needs_a_reason_from_the_list_and_the_facts(cast, resolved, client):
    response = act(client, cast.community_staff, resolved, "request-exclusion", reason="", note="")
    html = response.content.decode()
    assert response.status_code == 422
    assert "核减原因</a>：" in html and "核减理由（事实与依据）</a>：" in html
    response = act(client, cast.community_staff, resolved, "request-exclusion", reason="bored", note="不想办")
    assert response.status_code == 422 and "核减原因</a>：" in response.content.decode()
    assert CaseEvent.objects.filter(action="request_exclusion").count() == 0


def test_a_refusal_needs_a_note_and_leaves_the_request_pending_until_given(cast, resolved, client):
    svc.case_request_exclusion(case=resolved, by=cast.community_staff, reason="duplicate", note="与另一工单重复")
    response = act(client, cast.command, resolved, "decide-exclusion", approve="no", note="")
    assert response.status_code == 422
    assert "审批说明（不同意时必填）</a>：不同意核减时须说明理由" in response.content.decode()
    assert Case.objects.get(pk=resolved.pk).exclusion_requested == "duplicate"
    done(act(client, cast.command, resolved, "decide-exclusion", approve="no", note="并非重复，地点不同"))
    stored = Case.objects.get(pk=resolved.pk)
    assert (stored.exclusion, stored.exclusion_requested) == ("", "")
    assert "审批意见 不同意" in text(timeline(page(client, cast.command, resolved)))


def test_the_decision_is_offered_to_supervisors_outside_the_asking_unit_only(cast, resolved, client):
    svc.case_request_exclusion(case=resolved, by=cast.community_staff, reason="invalid", note="无具体诉求内容")
    assert 'id="action-decide-exclusion"' in page(client, cast.leader, resolved)
    assert 'id="action-decide-exclusion"' not in page(client, cast.community_staff, resolved)
    assert 'id="action-request-exclusion"' not in page(client, cast.community_staff, resolved)  # one at a time
    response = act(client, cast.community_staff, resolved, "decide-exclusion", approve="yes")
    assert response.status_code == 403 and Case.objects.get(pk=resolved.pk).exclusion == ""


def test_a_supervisor_restores_counting_with_a_reason(cast, resolved, client):
    svc.case_request_exclusion(case=resolved, by=cast.community_staff, reason="invalid", note="无具体诉求内容")
    svc.case_decide_exclusion(case=resolved, by=cast.command, approve=True)
    assert 'id="action-restore-counting"' not in page(client, cast.community_staff, resolved)
    response = act(client, cast.leader, resolved, "restore-counting", note="")
    assert response.status_code == 422 and "撤销理由</a>：" in response.content.decode()
    done(act(client, cast.leader, resolved, "restore-counting", note="复核后确有诉求"))
    assert Case.objects.get(pk=resolved.pk).exclusion == ""
    measures_refresh_all()
    html = page(client, cast.leader, resolved)
    assert "考核状态 计入三率" in text(panel(html))
    assert "撤销核减" in text(timeline(html)) and "原核减原因 无效诉求" in text(timeline(html))


# ---- cost ------------------------------------------------------------------------------------------------


def _queries(client, user, case) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/work/cases/{case.number}/").status_code == 200
    return len(captured)


def test_the_panel_costs_the_same_queries_for_one_call_back_or_ten(cast, new_case, client):
    few, many = handle_to_result(cast, new_case()), handle_to_result(cast, new_case(description="楼道堆物"))
    callback_record(case=few, by=cast.operator, reached=False)
    for n in range(10):
        callback_record(case=many, by=cast.operator, reached=False, note=f"第{n}次未接通")
    measures_refresh_all()
    assert _queries(client, cast.operator, few) == _queries(client, cast.operator, many) <= 30
