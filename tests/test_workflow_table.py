"""Every action from every status: allowed ones move the case as the table says, the rest are refused."""

import datetime as dt

import pytest
from django.utils import timezone

from huying.cases import services as svc
from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from huying.cases.workflow import TRANSITIONS, Status
from huying.lib.errors import NotAllowed
from huying.org.models import Role, User


def _call(action: str, case: Case, cast, other: Case):
    now = timezone.now()
    by = cast.admin  # the system administrator may take every action the table allows (a leader may not)
    calls = {
        "dispatch": lambda: svc.case_dispatch(case=case, to=cast.east, by=by, reason="改派街道"),
        "accept": lambda: svc.case_accept(case=case, by=by),
        "start": lambda: svc.case_start(case=case, by=by),
        "return": lambda: svc.case_return(case=case, by=by, reason="不属本单位职责"),
        "escalate": lambda: svc.case_escalate(case=case, by=by, reason="需上级协调"),
        "summon": lambda: svc.case_summon(case=case, by=by, departments=[cast.parks],
                                          report_due_at=now + dt.timedelta(days=1)),
        "report_back": lambda: svc.case_report_back(case=case, by=cast.water_handler, report="已到场处置"),
        "request_extension": lambda: svc.case_request_extension(case=case, by=by, until=now + dt.timedelta(days=9),
                                                                reason="需采购配件"),
        "decide_extension": lambda: svc.case_approve_extension(case=case, by=cast.leader),
        "add_note": lambda: svc.case_add_note(case=case, by=by, note="已电话联系诉求人"),
        "resolve": lambda: svc.case_resolve(case=case, by=by, result="已清运完毕"),
        "close": lambda: svc.case_close(case=case, by=by),
        "reopen": lambda: svc.case_reopen(case=case, by=by, reason="回访称未解决"),
        "merge": lambda: svc.case_merge(case=case, into=other, by=by),
        "request_invalidation": lambda: svc.case_request_invalidation(case=case, by=by, reason="疑似恶意来电"),
        "invalidate": lambda: svc.case_invalidate(case=case, by=by, reason="重复恶意来电"),
        "supervise": lambda: svc.case_supervise(case=case, by=cast.leader, note="三日内办结"),
        "lift_supervision": lambda: svc.case_lift_supervision(case=_supervised(case), by=by),
        "instruct": lambda: svc.case_instruct(case=case, by=cast.leader, instruction="请园林局牵头处理"),
        "convene": lambda: svc.case_convene_group(case=case, by=by, lead=cast.parks, units=[cast.water]),
        "group_report": lambda: svc.case_group_report(case=case, by=cast.water_co_handler, report="已派员到场"),
        "video": lambda: svc.case_open_video(case=case, by=by),
        "rate": lambda: svc.case_record_rating(case=case, round=0, solved=True, source="resident",
                                               scores={"responsiveness": 5, "completion": 5, "satisfaction": 5}),
        # The timers' own actions (the worker takes them, with a key naming the deadline step).
        "remind": lambda: svc.case_timer_event(case=case, action="remind", unit=cast.east, key="k", data={}),
        "overdue": lambda: svc.case_timer_event(case=case, action="overdue", unit=cast.east, key="k", data={}),
        "alert_head": lambda: svc.case_timer_event(case=case, action="alert_head", unit=cast.east, key="k", data={}),
        "auto_escalate": lambda: svc.case_auto_escalate(case=case, key="k", tier=None, data={}),
        # Triage (研判): a person's correction and answer, the duplicate filter's doubt.
        "reclassify": lambda: svc.case_reclassify(case=case, category=cast.trees, by=by),
        "not_duplicate": lambda: svc.case_not_duplicate(case=case, by=by, note="不同问题"),
        "possible_duplicate": lambda: svc.case_flag_duplicate(case=case, candidates=[{"number": other.number}]),
        # What decides how the case counts in the three rates: call-backs and exclusions (回访, 考核核减).
        "callback": lambda: svc.case_record_callback(case=case, by=by, round=0, reached=True, solved=True,
                                                     satisfaction="satisfied"),
        "request_exclusion": lambda: svc.case_request_exclusion(case=_counting(case), by=by, reason="malicious",
                                                                note="恶意来电"),
        "decide_exclusion": lambda: svc.case_decide_exclusion(case=case, by=cast.leader, approve=True),
        "restore_counting": lambda: svc.case_restore_counting(case=case, by=by, note="误核减"),
    }
    return calls[action]()


def _supervised(case: Case) -> Case:
    """Lifting needs a mark to lift."""
    Case.objects.filter(pk=case.pk).update(supervised_at=timezone.now())
    case.supervised_at = timezone.now()
    return case


def _counting(case: Case) -> Case:
    """Asking for an exclusion needs a case that is counted and has no request pending."""
    Case.objects.filter(pk=case.pk).update(exclusion="", exclusion_requested="")
    case.exclusion = case.exclusion_requested = ""
    return case


def _put_at(case: Case, status: str, cast) -> Case:
    """Force a status for the matrix (tests only): the street holds it, with a summons and an extension pending."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=status, current_unit=cast.east, dispatched_at=now, extension_until=now + dt.timedelta(days=9),
        completion_due_at=now + dt.timedelta(days=1), exclusion="other", exclusion_requested="duplicate",
    )
    CaseAssignment.objects.create(case=case, unit=cast.water, role=AssignmentRole.SUMMONED, created_at=now)
    CaseAssignment.objects.create(case=case, unit=cast.water_co, role=AssignmentRole.GROUP, created_at=now)
    return Case.objects.get(pk=case.pk)


ALL = [(action, status) for action in TRANSITIONS for status in Status.values]


@pytest.fixture(autouse=True)
def video_server(settings):
    settings.HUYING = {**settings.HUYING, "VIDEO_SERVER": "https://meet.intranet"}


@pytest.fixture
def water_co_handler(cast):
    # A member of the response group: the water company's handler.
    cast.water_co_handler = User.objects.create(username="waterco", unit=cast.water_co,
                                                role=Role.DEPARTMENT_HANDLER)
    return cast.water_co_handler


@pytest.mark.parametrize(("action", "status"), ALL, ids=[f"{a}-from-{s}" for a, s in ALL])
@pytest.mark.usefixtures("water_co_handler")
def test_action_from_status_follows_the_table(cast, new_case, action, status):
    other = new_case(description="同一问题的另一张工单")
    case = _put_at(new_case(), status, cast)
    sources, target = TRANSITIONS[action]
    events_before = CaseEvent.objects.filter(case=case).count()
    if status not in sources:
        with pytest.raises(NotAllowed):
            _call(action, case, cast, other)
        assert Case.objects.get(pk=case.pk).version == case.version  # nothing half-written
        assert CaseEvent.objects.filter(case=case).count() == events_before
        return
    _call(action, case, cast, other)
    expected = target or status
    if action == "report_back":  # the only summoned department reported: back to the street's hands
        expected = Status.IN_PROGRESS
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == expected
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.from_status, event.to_status) == (action, status, expected)
