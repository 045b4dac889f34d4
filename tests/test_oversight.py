"""Oversight beside the handling (督办): supervision marks, instructions, response groups, video rooms."""

import datetime as dt

import pytest
from django.utils import timezone

from huying.cases import services as svc
from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent
from huying.cases.permissions import actions_for, sees_reporter
from huying.cases.selectors import cases_visible_to
from huying.lib.errors import Forbidden, InvalidInput, NotAllowed


@pytest.fixture
def video(settings):
    settings.HUYING = {**settings.HUYING, "VIDEO_SERVER": "https://meet.intranet/"}


def events(case, action) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, action=action))


# ---- supervision (挂牌督办) ----------------------------------------------------------------------------------


def test_a_supervision_mark_is_set_once_and_keeps_the_status(cast, new_case):
    case = new_case()
    svc.case_supervise(case=case, by=cast.command, note="限期三日")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.supervised_at, stored.supervision_note, stored.status) == (timezone.now(), "限期三日", "dispatched")
    with pytest.raises(NotAllowed) as refused:
        svc.case_supervise(case=stored, by=cast.leader, note="再督一次")
    assert refused.value.code == "already_supervised"
    assert len(events(case, "supervise")) == 1


def test_only_the_command_centre_and_leaders_supervise(cast, new_case):
    case = new_case()
    for user in (cast.community_staff, cast.street_dispatcher, cast.operator):
        with pytest.raises(Forbidden):
            svc.case_supervise(case=case, by=user)
    svc.case_supervise(case=case, by=cast.leader)


def test_a_finished_case_cannot_be_marked(cast, new_case):
    case = new_case()
    svc.case_invalidate(case=case, by=cast.leader, reason="恶意报事")
    with pytest.raises(NotAllowed):
        svc.case_supervise(case=case, by=cast.leader)


def test_a_too_long_requirement_names_the_field(cast, new_case):
    with pytest.raises(InvalidInput) as refused:
        svc.case_supervise(case=new_case(), by=cast.leader, note="督" * 501)
    assert refused.value.field == "note"


def test_lifting_needs_a_mark_and_works_even_after_the_case_is_closed(cast, new_case):
    case = new_case()
    with pytest.raises(NotAllowed) as refused:
        svc.case_lift_supervision(case=case, by=cast.leader)
    assert refused.value.code == "not_supervised"
    svc.case_supervise(case=case, by=cast.leader, note="限期三日")
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    svc.case_close(case=case, by=cast.operator)
    svc.case_lift_supervision(case=case, by=cast.command, note="已办结")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.supervised_at, stored.supervision_note, stored.status) == (None, "", "closed")
    assert events(case, "lift_supervision")[0].data == {"since": "2026-09-30T02:00:00+00:00",
                                                        "requirement": "限期三日"}


# ---- instructions (领导批示) -------------------------------------------------------------------------------


def test_an_instruction_is_an_event_with_its_text(cast, new_case):
    case = new_case()
    event = svc.case_instruct(case=case, by=cast.leader, instruction="  请街道牵头  ")
    assert (event.action, event.note, event.from_status, event.to_status) == ("instruct", "请街道牵头", "dispatched",
                                                                              "dispatched")


def test_an_empty_instruction_names_its_field_and_handlers_may_not_instruct(cast, new_case):
    case = new_case()
    with pytest.raises(InvalidInput) as refused:
        svc.case_instruct(case=case, by=cast.leader, instruction=" ")
    assert refused.value.field == "instruction"
    with pytest.raises(Forbidden):
        svc.case_instruct(case=case, by=cast.community_staff, instruction="自己批示")


def test_a_resolved_case_may_still_be_instructed_but_not_a_closed_one(cast, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    svc.case_instruct(case=case, by=cast.leader, instruction="请回访核实")
    svc.case_close(case=case, by=cast.operator)
    with pytest.raises(NotAllowed):
        svc.case_instruct(case=case, by=cast.leader, instruction="再批示")


# ---- special response groups (专项响应组) --------------------------------------------------------------------


def test_a_group_has_a_lead_and_members_who_see_the_case(cast, new_case):
    case = new_case()
    assert not cases_visible_to(cast.water_handler).filter(pk=case.pk).exists()
    svc.case_convene_group(case=case, by=cast.leader, lead=cast.parks, units=[cast.water, cast.parks], note="联合整治")
    roles = dict(CaseAssignment.objects.filter(case=case).values_list("unit", "role"))
    assert roles == {cast.parks.pk: AssignmentRole.GROUP_LEAD, cast.water.pk: AssignmentRole.GROUP}
    assert cases_visible_to(cast.water_handler).filter(pk=case.pk).exists()
    event = events(case, "convene")[0]
    assert (event.unit, event.data, event.note) == (cast.parks, {"units": [cast.parks.pk, cast.water.pk],
                                                                 "lead": cast.parks.pk}, "联合整治")
    assert {"group_report", "add_note"} <= set(actions_for(cast.water_handler, Case.objects.get(pk=case.pk)))


def test_convening_again_adds_units_and_moves_the_lead(cast, new_case):
    case = new_case()
    svc.case_convene_group(case=case, by=cast.leader, lead=cast.parks, units=[cast.water])
    svc.case_convene_group(case=case, by=cast.command, lead=cast.east, units=[cast.water_co])
    roles = dict(CaseAssignment.objects.filter(case=case).values_list("unit", "role"))
    assert roles == {cast.east.pk: AssignmentRole.GROUP_LEAD, cast.parks.pk: AssignmentRole.GROUP,
                     cast.water.pk: AssignmentRole.GROUP, cast.water_co.pk: AssignmentRole.GROUP}


@pytest.mark.parametrize(("lead", "units", "field"), [
    (None, ["water"], "lead"),
    ("parks", [], "units"),  # a lead alone is no group
    ("parks", ["district"], "units"),  # the district itself is not a working unit
    ("city", ["water"], "lead"),
])
def test_a_group_without_a_lead_or_members_is_refused(cast, new_case, lead, units, field):
    case = new_case()
    with pytest.raises(InvalidInput) as refused:
        svc.case_convene_group(case=case, by=cast.leader, lead=getattr(cast, lead) if lead else None,
                               units=[getattr(cast, u) for u in units])
    assert refused.value.field == field
    assert not CaseAssignment.objects.filter(case=case).exists() and not events(case, "convene")


def test_only_leaders_and_the_command_centre_convene(cast, new_case):
    with pytest.raises(Forbidden):
        svc.case_convene_group(case=new_case(), by=cast.street_dispatcher, lead=cast.parks, units=[cast.water])


def test_members_report_and_outsiders_to_the_group_may_not(cast, new_case):
    case = new_case()
    svc.case_convene_group(case=case, by=cast.leader, lead=cast.parks, units=[cast.water])
    svc.case_group_report(case=case, by=cast.water_handler, report="已排查管网")
    svc.case_group_report(case=case, by=cast.water_handler, report="管网已修复")
    member = CaseAssignment.objects.get(case=case, unit=cast.water)
    assert (member.report, member.reported_at) == ("管网已修复", timezone.now())
    assert [e.note for e in events(case, "group_report")] == ["已排查管网", "管网已修复"]
    with pytest.raises(Forbidden):
        svc.case_group_report(case=case, by=cast.community_staff, report="我也报一下")


# ---- video consultation (视频研判) ---------------------------------------------------------------------------


def test_no_video_server_no_room(cast, new_case):
    case = new_case()
    with pytest.raises(NotAllowed) as refused:
        svc.case_open_video(case=case, by=cast.community_staff)
    assert refused.value.code == "no_video_server"
    assert "video" not in actions_for(cast.community_staff, case)


@pytest.mark.usefixtures("video")
def test_each_room_has_its_own_unguessable_link_in_the_timeline(cast, new_case):
    case = new_case()
    first = svc.case_open_video(case=case, by=cast.community_staff).data["url"]
    second = svc.case_open_video(case=case, by=cast.command).data["url"]
    prefix = f"https://meet.intranet/huying-{case.number}-"
    assert first.startswith(prefix) and second.startswith(prefix) and first != second
    assert len(first) == len(prefix) + 12


@pytest.mark.usefixtures("video")
def test_units_working_on_the_case_may_open_a_room_and_onlookers_may_not(cast, new_case):
    case = new_case(category=cast.noise)
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, reason="属地处理")
    svc.case_accept(case=case, by=cast.street_dispatcher)
    svc.case_summon(case=case, by=cast.street_dispatcher, departments=[cast.parks],
                    report_due_at=timezone.now() + dt.timedelta(hours=4))
    svc.case_open_video(case=case, by=cast.parks_handler)  # summoned
    svc.case_open_video(case=case, by=cast.street_dispatcher)  # handling
    with pytest.raises(Forbidden):
        svc.case_open_video(case=case, by=cast.grid_worker)  # sees the place, does not work the case


# ---- who sees the reporter ---------------------------------------------------------------------------------


def test_the_reporter_is_shown_in_full_to_the_hotline_the_command_centre_and_the_handler_only(cast, new_case):
    case = new_case()
    full = {name for name in ("operator", "command", "leader", "community_staff", "street_dispatcher",
                              "grid_worker", "parks_handler") if sees_reporter(getattr(cast, name), case)}
    assert full == {"operator", "command", "community_staff"}
    anonymous = new_case(anonymous=True)
    assert not sees_reporter(cast.community_staff, anonymous) and sees_reporter(cast.command, anonymous)
