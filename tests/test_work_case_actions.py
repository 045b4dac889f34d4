"""Every action through the case page's forms: the service runs, the event is written, the page says so."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from huying.cases import services as svc
from huying.cases.models import AssignmentRole, Case, CaseAssignment, CaseEvent


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def video(settings):
    settings.HUYING = {**settings.HUYING, "VIDEO_SERVER": "https://meet.intranet/"}


def act(client, user, case, action, *, version=None, **fields):
    """Post the page's form for `action` as `user`, with the version the page showed (the current one)."""
    client.force_login(user)
    data = {f"{action}-{name}": value for name, value in fields.items()}
    data[f"{action}-version"] = version if version is not None else Case.objects.get(pk=case.pk).version
    return client.post(f"/work/cases/{case.number}/{action}/", data)


def done(response, case) -> Case:
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/work/cases/{case.number}/"
    return Case.objects.get(pk=case.pk)


def last_event(case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).latest("id")


def photo(name="IMG_0001.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def at_street(case, cast) -> Case:
    svc.case_dispatch(case=case, to=cast.east, by=cast.command, reason="需街道协调")
    svc.case_accept(case=case, by=cast.street_dispatcher)
    return Case.objects.get(pk=case.pk)


# ---- the handling path -------------------------------------------------------------------------------------


def test_the_handler_accepts_starts_and_resolves_with_a_photo(cast, new_case, client):
    case = new_case()
    response = act(client, cast.community_staff, case, "accept")
    assert done(response, case).status == "accepted"
    assert "已签收" in client.get(response["Location"]).content.decode()
    assert done(act(client, cast.community_staff, case, "start", note="已通知保洁"), case).status == "in_progress"
    assert last_event(case).note == "已通知保洁"
    client.force_login(cast.community_staff)
    response = client.post(f"/work/cases/{case.number}/resolve/", {
        "resolve-version": Case.objects.get(pk=case.pk).version, "resolve-result": "已清运完毕\r\n现场已冲洗",
        "resolve-photos": [photo(), photo("IMG_0002.jpg")]})
    stored = done(response, case)
    event = last_event(case)
    assert (stored.status, stored.result) == ("resolved", "已清运完毕\n现场已冲洗")
    assert event.action == "resolve" and event.attachments.count() == 2
    assert all(a.file.name.endswith(".jpg") and "IMG_" not in a.file.name for a in event.attachments.all())


def test_a_wrong_dispatch_goes_back_with_a_reason(cast, new_case, client):
    case = new_case()
    stored = done(act(client, cast.community_staff, case, "return", reason="不属本社区辖区"), case)
    assert stored.status == "returned"
    assert (last_event(case).action, last_event(case).note) == ("return", "不属本社区辖区")


def test_the_community_escalates_to_its_street(cast, new_case, client):
    case = new_case()
    stored = done(act(client, cast.community_staff, case, "escalate", reason="需街道协调物业"), case)
    assert (stored.status, stored.current_unit) == ("escalated", cast.east)


def test_the_command_centre_reroutes_to_another_unit(cast, new_case, client):
    case = new_case()
    stored = done(act(client, cast.command, case, "dispatch", to=cast.parks.pk, reason="涉及绿化带，改派园林局"), case)
    assert (stored.status, stored.current_unit) == ("dispatched", cast.parks)
    event = last_event(case)
    assert (event.action, event.unit, event.note) == ("dispatch", cast.parks, "涉及绿化带，改派园林局")


def test_the_street_summons_departments_who_report_back(cast, new_case, client):
    case = at_street(new_case(), cast)
    client.force_login(cast.street_dispatcher)
    due = timezone.now() + dt.timedelta(hours=8)
    response = client.post(f"/work/cases/{case.number}/summon/", {
        "summon-version": case.version, "summon-departments": [cast.parks.pk, cast.water.pk],
        "summon-report_due_at": local(due), "summon-note": "请两部门到场会商"})
    stored = done(response, case)
    assert stored.status == "summoned"
    summoned = CaseAssignment.objects.filter(case=case, role=AssignmentRole.SUMMONED)
    assert {a.unit for a in summoned} == {cast.parks, cast.water} and {a.due_at for a in summoned} == {due}
    assert last_event(case).data["departments"] == [cast.parks.pk, cast.water.pk]
    done(act(client, cast.parks_handler, case, "report-back", report="已修剪遮挡树枝"), case)
    stored = done(act(client, cast.water_handler, case, "report-back", report="已疏通下水道"), case)
    assert stored.status == "in_progress"  # everyone reported: back to the street
    assert CaseAssignment.objects.get(case=case, unit=cast.parks).report == "已修剪遮挡树枝"


def test_cohandlers_are_added(cast, new_case, client):
    case = new_case()
    client.force_login(cast.community_staff)
    response = client.post(f"/work/cases/{case.number}/cohandlers/", {
        "cohandlers-version": case.version, "cohandlers-units": [cast.parks.pk, cast.water_co.pk]})
    done(response, case)
    assert {a.unit for a in CaseAssignment.objects.filter(case=case, role=AssignmentRole.CO)} == {cast.parks,
                                                                                                  cast.water_co}
    assert last_event(case).data["cohandlers"] == [cast.parks.pk, cast.water_co.pk]


def test_an_extension_is_asked_for_and_approved(cast, new_case, client):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    until = case.completion_due_at + dt.timedelta(days=3)
    stored = done(act(client, cast.community_staff, case, "request-extension", until=local(until),
                      reason="需采购垃圾桶"), case)
    assert (stored.status, stored.extension_until) == ("extension_requested", until)
    stored = done(act(client, cast.leader, case, "decide-extension", approve="yes", note="同意"), case)
    assert (stored.status, stored.completion_due_at, stored.extension_until) == ("in_progress", until, None)
    assert last_event(case).data["approved"] is True


def test_an_extension_can_be_refused(cast, new_case, client):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    due = case.completion_due_at
    svc.case_request_extension(case=case, by=cast.community_staff, until=due + dt.timedelta(days=2), reason="缺人手")
    stored = done(act(client, cast.command, case, "decide-extension", approve="no", note="请按期办结"), case)
    assert (stored.completion_due_at, last_event(case).data["approved"]) == (due, False)


def test_a_note_with_photos_goes_into_the_timeline(cast, new_case, client):
    case = new_case()
    client.force_login(cast.grid_worker)
    response = client.post(f"/work/cases/{case.number}/note/", {
        "note-version": case.version, "note-note": "现场核实属实", "note-photos": [photo()]})
    done(response, case)
    event = last_event(case)
    assert (event.action, event.note, event.actor) == ("add_note", "现场核实属实", cast.grid_worker)
    assert event.attachments.count() == 1


def test_the_operator_closes_and_reopens(cast, new_case, client):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    assert done(act(client, cast.operator, case, "close", note="回访满意"), case).status == "closed"
    stored = done(act(client, cast.operator, case, "reopen", reason="群众反映又有堆积"), case)
    assert (stored.status, stored.reopen_count) == ("reopened", 1)


def test_a_repeat_is_merged_by_number(cast, new_case, client):
    first, repeat = new_case(), new_case()
    stored = done(act(client, cast.community_staff, repeat, "merge", into=f" {first.number} ", note="同一堆垃圾"),
                  repeat)
    assert (stored.status, stored.merged_into) == ("merged", first)
    assert CaseEvent.objects.filter(case=first, action="merge_in").exists()


def test_the_handler_asks_and_the_leader_marks_the_case_invalid(cast, new_case, client):
    case = new_case()
    done(act(client, cast.community_staff, case, "request-invalidation", reason="同一号码反复恶意报事"), case)
    stored = done(act(client, cast.leader, case, "invalidate", reason="核实为恶意报事"), case)
    assert stored.status == "invalid"
    assert last_event(case).data["requested_by"] == cast.community_staff.pk


# ---- oversight ---------------------------------------------------------------------------------------------


def test_the_command_centre_supervises_and_the_leader_lifts_it(cast, new_case, client):
    case = new_case()
    stored = done(act(client, cast.command, case, "supervise", note="群众多次反映，限两日办结"), case)
    assert stored.supervised_at == timezone.now() and stored.supervision_note == "群众多次反映，限两日办结"
    assert (last_event(case).action, stored.status) == ("supervise", "dispatched")
    stored = done(act(client, cast.leader, case, "lift-supervision", note="已整改"), case)
    assert (stored.supervised_at, stored.supervision_note) == (None, "")
    assert last_event(case).data["requirement"] == "群众多次反映，限两日办结"


def test_the_leader_instructs(cast, new_case, client):
    case = new_case()
    done(act(client, cast.leader, case, "instruct", instruction="请街道牵头，一周内根治"), case)
    event = last_event(case)
    assert (event.action, event.note, event.actor) == ("instruct", "请街道牵头，一周内根治", cast.leader)
    assert "请街道牵头，一周内根治" in client.get(f"/work/cases/{case.number}/").content.decode()


def test_the_leader_convenes_a_response_group_whose_members_see_the_case_and_report(cast, new_case, client):
    case = new_case()
    client.force_login(cast.leader)
    response = client.post(f"/work/cases/{case.number}/convene/", {
        "convene-version": case.version, "convene-lead": cast.east.pk,
        "convene-units": [cast.parks.pk, cast.water.pk], "convene-note": "三部门联合整治"})
    done(response, case)
    group = {a.unit: a.role for a in CaseAssignment.objects.filter(case=case)}
    assert group == {cast.east: AssignmentRole.GROUP_LEAD, cast.parks: AssignmentRole.GROUP,
                     cast.water: AssignmentRole.GROUP}
    assert last_event(case).data == {"units": [cast.east.pk, cast.parks.pk, cast.water.pk], "lead": cast.east.pk}
    client.force_login(cast.parks_handler)
    html = client.get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="action-group-report"' in html and "专项组牵头单位" in html
    done(act(client, cast.parks_handler, case, "group-report", report="已清理绿化带垃圾"), case)
    assert CaseAssignment.objects.get(case=case, unit=cast.parks).report == "已清理绿化带垃圾"
    assert last_event(case).action == "group_report"


@pytest.mark.usefixtures("video")
def test_a_video_room_is_opened_and_its_link_kept_in_the_timeline(cast, new_case, client):
    case = new_case()
    done(act(client, cast.community_staff, case, "video"), case)
    url = last_event(case).data["url"]
    assert url.startswith(f"https://meet.intranet/huying-{case.number}-") and len(url) > len(case.number) + 30
    html = client.get(f"/work/cases/{case.number}/").content.decode()
    assert f'href="{url}"' in html and "进入视频会商室" in html


# ---- refusals ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "action", "fields"), [
    ("grid_worker", "accept", {}),  # not the handling unit
    ("community_staff", "invalidate", {"reason": "自己说了算"}),  # only a supervisor decides
    ("community_staff", "supervise", {"note": "督办自己"}),
    ("street_dispatcher", "instruct", {"instruction": "批示"}),
    ("parks_handler", "report-back", {"report": "未被吹哨"}),
    ("community_staff", "close", {}),  # not resolved yet, and not a dispatcher
    ("community_staff", "video", {}),  # no video server configured
])
def test_an_action_not_offered_is_refused_and_nothing_is_written(cast, new_case, client, who, action, fields):
    case = new_case()
    before = (case.version, CaseEvent.objects.filter(case=case).count())
    response = act(client, getattr(cast, who), case, action, **fields)
    assert response.status_code in (403, 404)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.version, CaseEvent.objects.filter(case=case).count()) == before
    if response.status_code == 403:
        assert "此操作当前不可用" in response.content.decode()


def test_an_outsider_cannot_act_on_a_case_they_cannot_see(cast, new_case, client):
    case = new_case()
    assert act(client, cast.outsider, case, "note", note="路过看看").status_code == 404
    assert not CaseEvent.objects.filter(case=case, action="add_note").exists()


def test_an_unknown_action_is_404_and_a_get_changes_nothing(cast, new_case, client):
    case = new_case()
    assert act(client, cast.command, case, "delete").status_code == 404
    client.force_login(cast.community_staff)
    response = client.get(f"/work/cases/{case.number}/accept/")  # a reload: back to the case page
    assert response.status_code == 302 and response["Location"] == f"/work/cases/{case.number}/"
    assert not case.events.filter(action="accept").exists()


def test_a_missing_reason_names_the_field_and_writes_nothing(cast, new_case, client):
    case = new_case()
    response = act(client, cast.community_staff, case, "return", reason="   ")
    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html and "原因" in html[html.index('id="action-error"'):]
    assert '<details class="action" id="action-return" open>' in html
    assert Case.objects.get(pk=case.pk).status == "dispatched"


def test_a_summons_with_a_past_deadline_keeps_what_was_typed(cast, new_case, client):
    case = at_street(new_case(), cast)
    client.force_login(cast.street_dispatcher)
    response = client.post(f"/work/cases/{case.number}/summon/", {
        "summon-version": case.version, "summon-departments": [cast.water.pk],
        "summon-report_due_at": "2026-09-29T09:00", "summon-note": "需水务局到场"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "报到时限" in html[html.index('id="action-error"'):] and "时间须晚于当前时间" in html
    assert f'value="{cast.water.pk}" id="id_summon-departments_1" checked>' in html
    assert f'value="{cast.parks.pk}" id="id_summon-departments_0">' in html
    assert "需水务局到场</textarea>" in html and 'value="2026-09-29T09:00"' in html
    assert not CaseAssignment.objects.filter(case=case).exists()


def test_an_unknown_merge_target_is_named_and_kept(cast, new_case, client):
    case = new_case()
    response = act(client, cast.community_staff, case, "merge", into="HY20990101000001")
    html = response.content.decode()
    assert response.status_code == 422 and "并入工单编号" in html and "目标工单不存在或无权查看" in html
    assert 'value="HY20990101000001"' in html


def test_a_file_that_is_no_photo_is_refused_and_the_note_kept(cast, new_case, client):
    case = new_case()
    client.force_login(cast.community_staff)
    response = client.post(f"/work/cases/{case.number}/note/", {
        "note-version": case.version, "note-note": "附现场照片",
        "note-photos": [SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")]})
    html = response.content.decode()
    assert response.status_code == 422 and "只能上传照片" in html and "附现场照片</textarea>" in html
    assert not CaseEvent.objects.filter(case=case, action="add_note").exists()


def test_a_refusal_from_the_service_lands_on_the_field_it_names(cast, new_case, client):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    too_early = case.completion_due_at - dt.timedelta(hours=1)
    response = act(client, cast.community_staff, case, "request-extension", until=local(too_early), reason="缺人手")
    html = response.content.decode()
    assert response.status_code == 422 and "延期时间须晚于原办结时限" in html
    assert "延期至" in html[html.index('id="action-error"'):] and "缺人手</textarea>" in html
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_a_reroute_without_a_reason_is_refused(cast, new_case, client):
    case = new_case()
    response = act(client, cast.command, case, "dispatch", to=cast.parks.pk, reason="")
    assert response.status_code == 422 and "请填写原因" in response.content.decode()
    assert Case.objects.get(pk=case.pk).current_unit == cast.xingfu


def test_a_stale_page_is_refused_with_a_clear_message_and_can_be_sent_again(cast, new_case, client):
    case = new_case()
    shown = case.version
    svc.case_add_note(case=case, by=cast.operator, note="来电人补充：垃圾已堆到路边")  # someone else, meanwhile
    response = act(client, cast.community_staff, case, "return", version=shown, reason="不属本社区")
    html = response.content.decode()
    assert response.status_code == 409 and "本页已过期" in html
    assert "来电人补充：垃圾已堆到路边" in html  # the page shows what changed
    fresh = Case.objects.get(pk=case.pk).version
    assert "不属本社区</textarea>" in html and f'name="return-version" value="{fresh}"' in html
    assert not CaseEvent.objects.filter(case=case, action="return").exists()
    assert done(act(client, cast.community_staff, case, "return", reason="不属本社区"), case).status == "returned"


def test_a_button_on_a_stale_page_for_a_step_already_taken_is_refused(cast, new_case, client):
    case = new_case()
    shown = case.version
    svc.case_accept(case=case, by=cast.community_staff)  # a colleague signed for it first
    response = act(client, cast.community_staff, case, "accept", version=shown)
    assert response.status_code == 403 and "此操作当前不可用" in response.content.decode()
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


def test_a_return_after_its_window_is_refused_with_the_reason(cast, new_case, client, clock):
    case = new_case()
    clock.shift(3 * 3600)
    response = act(client, cast.community_staff, case, "return", reason="不属本社区")
    assert response.status_code == 409 and "已超过退单时限" in response.content.decode()


def test_a_tampered_version_is_refused_by_name(cast, new_case, client):
    case = new_case()
    response = act(client, cast.community_staff, case, "accept", version="abc")
    assert response.status_code == 422 and "页面版本" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "dispatched"
