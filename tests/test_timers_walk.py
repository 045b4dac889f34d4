"""A frozen clock walks cases through every reminder, overdue mark, head alert and escalation the default
policy holds, and checks who was told what, once."""

import datetime as dt

from huying.cases import services as svc
from huying.cases.models import AssignmentRole, Case, CaseEvent, CaseTimer
from huying.cases.timers import timers_rebuild
from huying.catalog.models import DeadlineKind, DispatchRule
from huying.notify.models import Notification
from huying.timers.fire import timers_fire_due
from tests.cast import FROZEN_NOW

BEIJING = FROZEN_NOW.tzinfo


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def fire(clock, moment: dt.datetime):
    clock.move_to(moment)
    return timers_fire_due()


def steps_of(case: Case) -> list[tuple[str, str]]:
    """(action, deadline kind) of the timer events, in order."""
    return [(e.action, e.data["kind"]) for e in case.events.filter(data__has_key="timer").order_by("id")]


def told(case: Case, template: str) -> set[tuple[str, str]]:
    return set(Notification.objects.filter(case=case, template=template).values_list("channel", "recipient"))


def test_a_community_case_is_reminded_marked_and_its_head_alerted_on_both_deadlines(cast, heads, new_case, clock):
    case = new_case()  # A2 at 幸福里社区: respond in 2 hours, complete in 1 working day
    head, staff = heads["xingfu_head"], cast.community_staff
    assert set(case.timers.values_list("kind", flat=True)) == {"response", "return_window"}

    assert fire(clock, at(9, 30, 10, 59)).steps == 0  # nothing is due before half the time
    assert fire(clock, at(9, 30, 11, 0)).steps == 1
    assert steps_of(case) == [("remind", "response")]
    # Every handler of the unit is reminded in-app and by SMS where they have a mobile (the head works there too).
    assert told(case, "timer_remind") == {("inapp", str(staff.pk)), ("inapp", str(head.pk)),
                                          ("sms", "13900000009"), ("sms", "13900000001")}

    fire(clock, at(9, 30, 11, 30))  # the return window closes at 12:00: a last call to send it back
    fire(clock, at(9, 30, 12, 0))
    assert steps_of(case)[1:] == [("remind", "return_window"), ("overdue", "response"), ("alert_head", "response")]
    assert told(case, "timer_alert_head") == {("inapp", str(head.pk)), ("sms", "13900000001")}  # the head only

    clock.move_to(at(9, 30, 12, 10))
    svc.case_accept(case=case, by=staff)
    assert list(case.timers.values_list("kind", "deadline_at")) == [("completion", at(10, 8, 10, 0))]

    # Half of the completion time (wall clock) falls in the National Day week; an hour before is 10-08 09:00.
    assert fire(clock, at(10, 4, 10, 0)).steps == 1
    assert fire(clock, at(10, 8, 9, 0)).steps == 1
    assert fire(clock, at(10, 8, 10, 0)).steps == 2
    assert told(case, "timer_overdue") >= {("email", "xingfu_head@gov.example")}
    # While it stays overdue the head is alerted daily; after three days away the worker alerts once, not three times.
    assert fire(clock, at(10, 9, 10, 0)).steps == 1
    assert fire(clock, at(10, 12, 11, 0)).steps == 1
    assert steps_of(case)[4:] == [("remind", "completion"), ("remind", "completion"), ("overdue", "completion"),
                                  ("alert_head", "completion"), ("alert_head", "completion"),
                                  ("alert_head", "completion")]
    assert [e.data["occurrence"] for e in case.events.filter(action="alert_head", data__kind="completion")] == [0, 0, 3]

    svc.case_resolve(case=case, by=staff, result="已清运")
    assert not case.timers.exists()
    assert fire(clock, at(10, 20, 10, 0)).timers == 0


def test_an_overdue_grid_case_goes_up_to_the_community_on_the_a2_deadlines(cast, heads, new_case, clock):
    DispatchRule.objects.filter(category=cast.sanitation).update(tier=cast.tier_a1)  # the grid solves it (A1)
    case = new_case()
    assert (case.current_unit, case.tier) == (cast.grid1, cast.tier_a1)
    fire(clock, at(9, 30, 10, 15))  # half of the 30 minutes
    report = fire(clock, at(9, 30, 10, 30))
    assert report.steps == 3
    case.refresh_from_db()
    assert (case.status, case.current_unit, case.tier, case.responded_at) == ("escalated", cast.xingfu,
                                                                              cast.tier_a2, None)
    assert case.response_due_at == at(9, 30, 12, 30)  # A2's two hours, from the moment it went up
    escalation = case.events.get(action="auto_escalate")
    assert (escalation.actor, escalation.unit, escalation.data["from_unit"]) == (None, cast.xingfu, cast.grid1.pk)
    assert steps_of(case) == [("remind", "response"), ("overdue", "response"), ("alert_head", "response"),
                              ("auto_escalate", "response")]
    assert ("inapp", str(cast.community_staff.pk)) in told(case, "timer_escalated")
    # The community's own deadline now runs on A2's policy (no further escalation step).
    assert list(case.timers.values_list("kind", "unit", "tier")) == [("response", cast.xingfu.pk, cast.tier_a2.pk)]
    assert fire(clock, at(9, 30, 12, 30)).steps == 2
    assert Case.objects.get(pk=case.pk).status == "escalated"


def _at_street(cast, new_case, clock) -> Case:
    case = new_case(category=cast.noise)  # no rule: the command centre sends it to the street on tier B
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, tier=cast.tier_b, reason="街道办理")
    svc.case_accept(case=case, by=cast.street_dispatcher)
    return case


def test_summoned_departments_are_reminded_until_each_reports_back(cast, heads, new_case, clock):
    case = _at_street(cast, new_case, clock)
    svc.case_summon(case=case, by=cast.street_dispatcher, departments=[cast.parks, cast.water],
                    report_due_at=at(9, 30, 14, 0))
    summons = dict(case.assignments.filter(role=AssignmentRole.SUMMONED).values_list("unit", "pk"))
    assert set(case.timers.filter(kind="report_back").values_list("ref", "unit")) == {
        (summons[cast.parks.pk], cast.parks.pk), (summons[cast.water.pk], cast.water.pk)}
    fire(clock, at(9, 30, 12, 0))  # half of the four hours
    assert told(case, "timer_remind") >= {("inapp", str(cast.parks_handler.pk)), ("inapp", str(cast.water_handler.pk))}
    clock.move_to(at(9, 30, 13, 0))
    svc.case_report_back(case=case, by=cast.water_handler, report="已到场")
    assert list(case.timers.filter(kind="report_back").values_list("unit", flat=True)) == [cast.parks.pk]
    fire(clock, at(9, 30, 14, 0))
    overdue = case.events.filter(action__in=("overdue", "alert_head"), data__kind="report_back")
    assert {(e.action, e.unit_id) for e in overdue} == {("overdue", cast.parks.pk), ("alert_head", cast.parks.pk)}
    assert told(case, "timer_alert_head") == {("inapp", str(heads["parks_head"].pk)), ("sms", "13900000003")}


def test_a_granted_extension_runs_as_its_own_deadline(cast, heads, new_case, clock):
    case = _at_street(cast, new_case, clock)
    svc.case_request_extension(case=case, by=cast.street_dispatcher, until=at(10, 20, 17, 0), reason="需采购")
    clock.move_to(at(9, 30, 15, 0))
    svc.case_approve_extension(case=Case.objects.get(pk=case.pk), by=cast.leader)
    (timer,) = case.timers.all()
    assert (timer.kind, timer.started_at, timer.deadline_at) == ("extension", at(9, 30, 15, 0), at(10, 20, 17, 0))
    fire(clock, at(10, 20, 17, 0))
    assert steps_of(case) == [("overdue", "extension"), ("alert_head", "extension")]  # stale reminders skipped


def test_supervision_is_reminded_daily_until_the_handler_answers(cast, heads, new_case, clock):
    case = new_case()
    svc.case_supervise(case=case, by=cast.leader, note="三日内办结")
    # The handlers hear at once, in-app and by SMS.
    assert told(case, "supervision_notice") >= {("inapp", str(cast.community_staff.pk)), ("sms", "13900000009")}
    case.refresh_from_db()
    assert case.awaiting_reply_since == FROZEN_NOW
    fire(clock, at(10, 1, 10, 0))
    fire(clock, at(10, 2, 10, 0))
    assert [e.data["occurrence"] for e in case.events.filter(action="remind", data__kind="supervision")] == [0, 1]
    assert ("sms", "13900000009") in told(case, "supervision_remind")
    clock.move_to(at(10, 2, 11, 0))
    svc.case_add_note(case=Case.objects.get(pk=case.pk), by=cast.community_staff, note="已安排清运，明日完成")
    assert Case.objects.get(pk=case.pk).awaiting_reply_since is None
    assert not case.timers.filter(kind=DeadlineKind.SUPERVISION).exists()
    fire(clock, at(10, 3, 10, 0))
    assert case.events.filter(action="remind", data__kind="supervision").count() == 2


def test_a_note_from_another_unit_is_not_an_answer(cast, heads, new_case, clock):
    case = new_case()
    svc.case_instruct(case=case, by=cast.leader, instruction="请尽快处理")
    svc.case_add_note(case=Case.objects.get(pk=case.pk), by=cast.parks_handler, note="园林局知悉")
    assert Case.objects.get(pk=case.pk).awaiting_reply_since == FROZEN_NOW


def test_a_step_is_taken_once_however_often_the_worker_runs_or_the_timer_is_rearmed(cast, heads, new_case, clock):
    case = new_case()
    fire(clock, at(9, 30, 12, 0))
    assert steps_of(case) == [("overdue", "response"), ("alert_head", "response")]
    events, messages = CaseEvent.objects.count(), Notification.objects.count()
    assert fire(clock, at(9, 30, 12, 0)).timers == 0
    # Re-arming from scratch (a rebuild, a bulk load) finds the steps already taken by their keys.
    CaseTimer.objects.all().delete()
    assert timers_rebuild(Case.objects.all()) == 2
    report = fire(clock, at(9, 30, 12, 0))
    assert report.timers == 2 and report.steps == 0
    assert (CaseEvent.objects.count(), Notification.objects.count()) == (events, messages)


def test_a_worker_that_was_down_skips_stale_reminders_and_still_marks_the_case(cast, heads, new_case, clock):
    case = new_case()
    report = fire(clock, at(9, 30, 13, 0))  # first pass an hour after the response deadline
    assert steps_of(case) == [("overdue", "response"), ("alert_head", "response")]
    assert report.skipped == 2  # the half-time and the return-window reminders
    assert sorted(report.lags) == [3600.0, 3600.0]


def test_a_failing_timer_is_recorded_and_retried_while_the_others_fire(cast, heads, new_case, clock, monkeypatch):
    broken, fine = new_case(), new_case(description="另一处垃圾没人清运")
    import huying.timers.fire as fire_module

    real_act = fire_module._act

    def act(case, timer, due, known):
        if case.pk == broken.pk:
            raise RuntimeError("boom")
        return real_act(case, timer, due, known)

    monkeypatch.setattr(fire_module, "_act", act)
    report = fire(clock, at(9, 30, 11, 0))
    assert (report.failed, report.steps) == (1, 1)
    timer = broken.timers.get(kind="response")
    assert (timer.attempts, timer.last_error, timer.next_at) == (1, "RuntimeError: boom", at(9, 30, 11, 1))
    assert not broken.events.filter(action="remind").exists() and fine.events.filter(action="remind").exists()
    monkeypatch.setattr(fire_module, "_act", real_act)
    assert fire(clock, at(9, 30, 11, 1)).steps == 1
    assert broken.timers.get(kind="response").attempts == 0


def test_reminders_do_not_bump_the_version_a_handler_is_editing(cast, heads, new_case, clock):
    case = new_case()
    version = Case.objects.get(pk=case.pk).version
    fire(clock, at(9, 30, 11, 0))
    svc.case_accept(case=Case.objects.get(pk=case.pk), by=cast.community_staff, version=version)


def test_the_timeline_names_what_the_system_did_and_on_which_deadline(cast, heads, new_case, clock, client):
    DispatchRule.objects.filter(category=cast.sanitation).update(tier=cast.tier_a1)
    case = new_case()
    fire(clock, at(9, 30, 10, 30))
    client.force_login(cast.community_staff)
    html = client.get(f"/work/cases/{case.number}/").content.decode()
    for words in ("超时", "超时告警负责人", "超时自动上报", "首次响应时限", "2026-09-30 10:30", "上报至", "幸福里社区"):
        assert words in html


def test_the_case_page_says_when_the_system_acts_next(cast, heads, new_case, clock, client):
    case = new_case()
    client.force_login(cast.community_staff)
    html = client.get(f"/work/cases/{case.number}/").content.decode()
    assert "下次自动督办（首次响应时限）" in html and "2026-09-30 11:00" in html


def test_an_administrators_wording_of_a_reminder_may_name_the_unit(cast, heads, new_case, clock):
    from huying.notify.template_check import allowed_placeholders, wording_check
    from huying.notify.templates import message_render

    allowed = allowed_placeholders("timer_remind")
    assert {"unit", "number", "deadline", "deadline_name"} <= allowed
    wording_check("{unit}：工单{number}将于{deadline}到期", allowed)
    case = new_case()
    fire(clock, at(9, 30, 11, 0))
    reminder = Notification.objects.filter(case=case, template="timer_remind", channel="inapp").first()
    text = message_render("timer_remind", reminder.context)
    assert case.number in text and "2026-09-30 12:00" in text and "首次响应时限" in text


def test_an_english_reader_gets_the_units_english_name(cast, heads, new_case, clock):
    from huying.notify.templates import message_render

    cast.xingfu.name_en = "Xingfuli Community"
    cast.xingfu.save()
    case = new_case()
    fire(clock, at(9, 30, 12, 0))
    alert = Notification.objects.filter(case=case, template="timer_alert_head", channel="inapp").first()
    assert "Xingfuli Community" in message_render("timer_alert_head", {**alert.context, "language": "en"})
    assert "幸福里社区" in message_render("timer_alert_head", alert.context)


def test_a_phone_number_in_the_title_is_masked_in_staff_messages(cast, heads, new_case, clock):
    case = new_case(description="楼下垃圾堆满了，请联系我13912345678")
    fire(clock, at(9, 30, 11, 0))
    sms = Notification.objects.filter(case=case, template="timer_remind", channel="sms").first()
    assert "139****5678" in sms.context["title"] and "13912345678" not in str(sms.context)
