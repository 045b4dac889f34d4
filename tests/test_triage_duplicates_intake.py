"""The duplicate filter at intake (案件过滤器): a repeat of an open case is merged into it (并单) and its caller
is answered with that case's progress; a doubtful one is shown to a person; every decision is a case event."""

import datetime as dt

import pytest
from django.urls import reverse

from huying.cases.models import CaseTriage, DuplicateDecision
from huying.cases.services import case_merge, case_not_duplicate
from huying.cases.workflow import Status
from tests.cast import triage_set

# Long enough for the words to say which problem it is (a few words alone never merge automatically).
REPEAT = "幸福里3号楼东门口的垃圾桶已经满了两天，垃圾堆到路上没人清运，天热气味很大，麻烦尽快安排清运车来处理"


@pytest.fixture
def repeat(new_case):
    def make(**fields):
        return new_case(**{"description": REPEAT, **fields})
    return make


def test_a_repeat_of_an_open_case_is_merged_into_it(cast, repeat, duplicate_filter):
    first = repeat()
    second = repeat(reporter_phone="13900139000")
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.merged_into == first
    assert not second.events.filter(action="dispatch").exists()  # nobody is sent to the same job twice
    merge = second.events.get(action="merge")
    assert merge.actor is None and merge.data["auto"] is True and merge.data["into"] == first.number
    assert merge.data["score"] >= duplicate_filter.merge_score
    assert merge.data["evidence"]["same_building"] is True
    assert first.events.get(action="merge_in").data == {"from": second.number, "auto": True}
    record = CaseTriage.objects.get(case=second)
    assert record.duplicate_decision == DuplicateDecision.MERGED
    assert record.duplicates[0]["number"] == first.number


def test_below_the_merge_score_it_is_only_flagged(cast, repeat, duplicate_filter):
    triage_set(auto_merge=False)
    first = repeat()
    second = repeat()
    second.refresh_from_db()
    assert second.status == Status.DISPATCHED and second.merged_into is None
    flagged = second.events.get(action="possible_duplicate")
    assert flagged.actor is None and flagged.data["candidates"][0]["number"] == first.number
    assert second.triage.duplicate_decision == DuplicateDecision.POSSIBLE


def test_a_person_decides_a_flagged_case(cast, repeat, duplicate_filter):
    triage_set(auto_merge=False)
    first = repeat()
    second, third = repeat(), repeat()
    case_not_duplicate(case=second, by=cast.operator, note="不同楼层")
    assert second.events.filter(action="not_duplicate").count() == 1
    assert CaseTriage.objects.get(case=second).duplicate_decision == DuplicateDecision.DISMISSED
    case_merge(case=third, into=first, by=cast.operator)
    third.refresh_from_db()
    assert third.merged_into == first


def test_another_place_is_not_a_repeat(cast, repeat, duplicate_filter):
    repeat()
    elsewhere = repeat(address="", lat=30.705, lon=114.405)  # 桃园网格1, across the district
    assert elsewhere.status == Status.DISPATCHED
    assert elsewhere.triage.duplicates == [] and elsewhere.triage.duplicate_decision == ""
    assert not elsewhere.events.filter(action="possible_duplicate").exists()


def test_a_repeat_after_the_window_is_a_repeat(cast, repeat, duplicate_filter, clock):
    repeat()
    clock.shift(dt.timedelta(hours=duplicate_filter.window_hours + 1))
    later = repeat()
    assert later.status == Status.DISPATCHED and later.triage.duplicate_decision == ""


def test_an_emergency_is_never_merged_away(cast, repeat, duplicate_filter):
    words = "幸福里3号楼一楼闻到很浓的燃气味，像是泄漏了"
    first = repeat(description=words, category=None, urgency="emergency")
    second = repeat(description=words, category=None, urgency="emergency")
    second.refresh_from_db()
    assert second.status != Status.MERGED
    assert second.triage.duplicate_decision == DuplicateDecision.POSSIBLE
    assert second.triage.duplicates[0]["number"] == first.number
    assert [u["danger"] for u in second.triage.urgent] == ["gas"]


def test_the_filter_can_be_switched_off(cast, repeat, duplicate_filter):
    triage_set(duplicate_filter=False)
    repeat()
    again = repeat()
    assert again.status == Status.DISPATCHED and again.triage.duplicates == []


@pytest.mark.parametrize("closed_hours_ago", [2])
def test_a_merged_or_invalid_case_is_not_a_candidate(cast, repeat, duplicate_filter, closed_hours_ago):
    first = repeat()
    second = repeat()  # merged into first
    assert second.merged_into_id == first.pk
    third = repeat()
    third.refresh_from_db()
    assert third.merged_into_id == first.pk  # into the open case, never into the repeat


def test_the_repeat_caller_is_told_and_follows_the_case_it_joined(cast, repeat, duplicate_filter, client):
    from huying.notify.models import Notification

    first = repeat()
    second = repeat(reporter_phone="13900139000")
    texts = Notification.objects.filter(case=second, template="case_merged")
    assert [n.recipient for n in texts] == ["13900139000"]
    assert not Notification.objects.filter(case=first, template="case_merged").exists()
    page = client.get(reverse("feedback:track", args=[second.tracking_token]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"已与工单{first.number}合并办理" in body and "已派单" in body
    assert "13800138000" not in body and "138****8000" not in body  # the first caller stays unknown


def test_similar_category_means_the_same_family(cast, repeat, duplicate_filter):
    triage_set(auto_merge=False)
    repeat()  # 垃圾清运, under 城乡建设
    sibling = repeat(category=cast.trees)  # 树木修剪, also under 城乡建设
    other = repeat(category=cast.noise)  # 噪声, under 环境保护
    assert sibling.triage.duplicates[0]["evidence"]["same_category"] is True
    assert other.triage.duplicates[0]["evidence"]["same_category"] is False


def test_anything_urgent_is_only_flagged_never_merged(cast, repeat, duplicate_filter):
    gas = "幸福里3号楼一单元楼道里燃气味很浓，像是漏气了，邻居们都闻到了，请赶紧派人来看看，我们都不敢开火做饭了"
    first = repeat(description=gas, urgency="emergency")  # 特急 with a category: not the duty route, still urgent
    second = repeat(description=gas, urgency="emergency")
    third = repeat(description=gas)  # triage sees the danger itself
    for later in (second, third):
        later.refresh_from_db()
        assert later.status != Status.MERGED
        assert first.number in [d["number"] for d in later.triage.duplicates]


def test_a_case_settled_at_once_is_flagged_not_merged(cast, repeat, duplicate_filter):
    first = repeat()
    answered = repeat(auto_route=False)  # the operator answers on the phone, or the grid worker solves it
    assert answered.status == Status.RECEIVED and answered.merged_into is None
    assert answered.triage.duplicate_decision == DuplicateDecision.POSSIBLE
    assert answered.triage.duplicates[0]["number"] == first.number


def test_the_merge_text_names_the_unit_handling_the_matter(cast, repeat, duplicate_filter):
    from huying.notify.models import Notification

    repeat()
    second = repeat(reporter_phone="13900139000")
    text = Notification.objects.get(case=second, template="case_merged")
    assert text.context["unit"] == "幸福里社区"


def test_a_joined_case_result_reaches_the_other_caller_masked(cast, repeat, duplicate_filter, client):
    from huying.cases.services import case_accept, case_resolve

    first = repeat()
    second = repeat(reporter_phone="13900139000")
    case_accept(case=first, by=cast.community_staff)
    case_resolve(case=first, by=cast.community_staff, result="已联系张先生（13812345678）清运完毕")
    body = client.get(reverse("feedback:track", args=[second.tracking_token])).content.decode()
    assert "清运完毕" in body and "13812345678" not in body


def test_flagged_numbers_reach_only_those_who_may_open_them(cast, repeat, duplicate_filter):
    from huying.cases.api_schemas import candidates_visible

    triage_set(auto_merge=False)
    first = repeat()  # → 幸福里社区
    later = repeat(category=cast.trees)  # → 园林局, which may not open the first
    candidates = later.events.get(action="possible_duplicate").data["candidates"]
    assert candidates_visible(cast.parks_handler, candidates) == {"candidates": [], "hidden_candidates": 1}
    assert candidates_visible(cast.command, candidates)["candidates"][0]["number"] == first.number
