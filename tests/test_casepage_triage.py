"""The case page's 研判 panel and actions: suggestions with confidence and the model version, the outcome, the
urgency and place evidence, possible duplicates with 并入 and 非重复, and 改类 — each recorded on the timeline."""

import re

import pytest
from django.test import Client

from huying.cases.models import Case, CaseTriage, DuplicateDecision, TriageOutcome
from huying.cases.services import case_create
from huying.triage.classifier import classifier_train
from huying.triage.store import model_store
from tests.cast import triage_set

RUBBISH = "幸福里3号楼门口垃圾桶满溢，垃圾两天没人清运"
TRAINING = {
    "T010101": ["小区垃圾桶满了没人清运", "垃圾站臭气熏天好几天没收", "楼下垃圾堆放一周无人处理", "垃圾清运车不来",
                "垃圾满溢到路边", "生活垃圾没人收走"],
    "T010201": ["路边大树树枝挡住窗户", "小区树木太高需要修剪", "树枝快碰到电线了请修剪", "枯树随时会倒请砍掉",
                "行道树遮挡路灯", "树枝伸进阳台"],
    "T0201": ["晚上工地施工噪音太大", "楼上装修电钻声吵得睡不着", "广场舞音响声音太吵", "酒吧夜里噪声扰民",
              "工地凌晨还在打桩", "空调外机噪音很大"],
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(client: Client, case: Case) -> str:
    response = client.get(f"/work/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def panel_of(page: str) -> str:
    return page.split('id="triage"')[1].split("</section>")[0]


def resident_case(cast, description: str = RUBBISH, **fields) -> Case:
    return case_create(by=None, channel="web", request_type=cast.complaint, description=description,
                       address="幸福里3号楼", reporter_phone="13800138000", **fields)


def act(client: Client, case: Case, action: str, **fields):
    case.refresh_from_db()
    prefix = {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"/work/cases/{case.number}/{action}/", {f"{action}-version": case.version, **prefix})


@pytest.fixture
def trained(cast):
    texts = [t for texts in TRAINING.values() for t in texts]
    labels = [label for label, texts in TRAINING.items() for _t in texts]
    return model_store(classifier=classifier_train(texts, labels), source="test", activate=True)


@pytest.fixture
def possible(cast, new_case, duplicate_filter):
    """Two calls about one heap of rubbish; automatic merging off, so the second waits for a person's answer."""
    triage_set(auto_merge=False)
    earlier = new_case(description=RUBBISH)
    later = new_case(description=RUBBISH, reporter_phone="13900139000")
    assert later.triage.duplicate_decision == DuplicateDecision.POSSIBLE
    return earlier, later


def test_the_panel_shows_the_suggestions_with_confidence_the_keyword_rule_and_the_outcome(cast):
    case = resident_case(cast)
    panel = panel_of(page_of(signed_in(cast.command), case))
    top = case.triage.categories[0]
    assert case.triage.method == "keywords" and "关键词规则" in panel
    assert f"{top['code']} 垃圾清运" in panel and f"{round(top['p'] * 100)}%" in panel
    assert str(TriageOutcome(case.triage.outcome).label) in panel
    assert "幸福里小区3栋 · 幸福里网格1 · 地址匹配" in panel  # the place evidence


def test_the_panel_names_the_model_version_that_suggested(cast, trained):
    case = resident_case(cast)
    panel = panel_of(page_of(signed_in(cast.command), case))
    assert f"模型 {trained.version}" in panel and "当前分类" in panel


def test_a_case_below_the_threshold_shows_it_waits_for_a_person(cast, trained):
    triage_set(min_confidence=0.99)
    case = resident_case(cast)
    assert "待人工研判" in panel_of(page_of(signed_in(cast.command), case))


def test_the_urgency_evidence_is_shown(cast):
    case = resident_case(cast, "3号楼楼道里燃气味道很大，好像漏气了")
    panel = panel_of(page_of(signed_in(cast.command), case))
    assert "紧急研判" in panel and "燃气泄漏" in panel and "“燃气味”" in panel


def test_a_case_made_without_triage_has_no_panel(cast):
    case = case_create(by=cast.operator, channel="import", request_type=cast.complaint, description=RUBBISH,
                       category=cast.sanitation, triage=False)
    assert 'id="triage"' not in page_of(signed_in(cast.command), case)


def test_possible_duplicates_show_their_evidence_with_merge_and_not_duplicate_buttons(cast, possible):
    earlier, later = possible
    panel = panel_of(page_of(signed_in(cast.command), later))
    assert earlier.number in panel and "疑似重复" in panel and "重复度" in panel
    assert "同一楼栋" in panel and "文字相似度 100%" in panel
    assert f'name="merge-into" value="{earlier.number}"' in panel and f"并入 {earlier.number}" in panel
    assert f'action="/work/cases/{later.number}/not-duplicate/"' in panel


def test_the_merge_button_merges_into_the_duplicate(cast, possible):
    earlier, later = possible
    response = act(signed_in(cast.command), later, "merge", into=earlier.number)
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.status == "merged" and later.merged_into == earlier


def test_not_duplicate_is_recorded_and_the_question_closes(cast, possible):
    earlier, later = possible
    client = signed_in(cast.command)
    assert act(client, later, "not-duplicate", note="两处垃圾堆").status_code == 302
    assert CaseTriage.objects.get(case=later).duplicate_decision == DuplicateDecision.DISMISSED
    event = later.events.get(action="not_duplicate")
    assert (event.actor, event.note) == (cast.command, "两处垃圾堆")
    page = page_of(client, later)
    assert "not-duplicate/" not in page and 'name="merge-into"' not in panel_of(page)
    assert earlier.number in panel_of(page) and "已确认非重复" in panel_of(page)
    assert "确认非重复" in page.split('id="timeline"')[1]
    assert act(client, later, "not-duplicate").status_code == 403  # answered: no longer offered


def test_not_duplicate_is_not_offered_without_a_doubt(cast, new_case):
    case = new_case()
    assert "not-duplicate/" not in page_of(signed_in(cast.command), case)
    assert act(signed_in(cast.command), case, "not-duplicate").status_code == 403


def test_a_handler_is_shown_only_the_duplicates_they_may_open(cast, new_case, duplicate_filter):
    triage_set(auto_merge=False)
    earlier = new_case(description=RUBBISH)  # → 幸福里社区
    later = new_case(description=RUBBISH, category=cast.trees)  # → 园林局, which may not open the earlier one
    assert later.triage.duplicate_decision == DuplicateDecision.POSSIBLE and later.current_unit == cast.parks
    panel = panel_of(page_of(signed_in(cast.parks_handler), later))
    assert earlier.number not in panel and earlier.title not in panel
    assert "另有 1 件疑似重复工单不在您的查看范围内" in panel
    assert earlier.number in panel_of(page_of(signed_in(cast.command), later))


def test_an_outsider_sees_neither_the_case_nor_its_duplicates(cast, possible):
    _earlier, later = possible
    assert signed_in(cast.outsider).get(f"/work/cases/{later.number}/").status_code == 404


def test_reclassify_records_the_event_and_the_correction(cast, trained):
    case = resident_case(cast)
    assert case.category == cast.sanitation
    client = signed_in(cast.command)
    assert "改类" in page_of(client, case)
    response = act(client, case, "reclassify", category=cast.noise.pk, note="实为夜间施工噪声")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.category, case.category_source) == (cast.noise, "staff")
    assert CaseTriage.objects.get(case=case).corrected is True
    event = case.events.get(action="reclassify")
    assert (event.data["from"], event.data["to"], event.data["model"]) == ("T010101", "T0201", trained.version)
    timeline = page_of(client, case).split('id="timeline"')[1]
    assert "T010101 垃圾清运 → T0201 噪声" in timeline and "实为夜间施工噪声" in timeline


def test_choosing_the_suggested_category_confirms_it(cast, trained):
    case = resident_case(cast)
    panel = panel_of(page_of(signed_in(cast.command), case))
    assert "确认此分类" in panel and re.search(rf'name="reclassify-category" value="{cast.sanitation.pk}"', panel)
    assert act(signed_in(cast.command), case, "reclassify", category=cast.sanitation.pk).status_code == 302
    assert CaseTriage.objects.get(case=case).corrected is False
    assert "确认为 T010101 垃圾清运" in page_of(signed_in(cast.command), case).split('id="timeline"')[1]


def test_only_dispatchers_and_the_handling_unit_may_reclassify(cast, new_case):
    case = new_case()  # with the sanitation community
    assert act(signed_in(cast.parks_handler), case, "reclassify", category=cast.noise.pk).status_code == 404
    assert act(signed_in(cast.community_staff), case, "reclassify", category=cast.noise.pk).status_code == 302


def test_the_creation_event_tells_what_triage_suggested(cast, trained):
    case = resident_case(cast)
    created = page_of(signed_in(cast.command), case).split('id="timeline"')[1].split("</li>")[0]
    assert "研判结果" in created and "自动分类" in created and f"模型 {trained.version}" in created
    assert "T010101 垃圾清运" in created and "置信度" in created


def test_the_filter_flagging_a_case_is_on_the_timeline(cast, possible):
    earlier, later = possible
    timeline = page_of(signed_in(cast.command), later).split('id="timeline"')[1]
    assert "疑似重复" in timeline and earlier.number in timeline


def test_an_automatic_merge_is_on_the_timeline_with_its_score(cast, new_case, duplicate_filter):
    # Long enough for the words to say which problem it is: a few words alone are only ever suggested.
    words = RUBBISH + "，堆到路上挡住了出入口，天热气味很大，麻烦尽快安排清运车来处理"
    earlier = new_case(description=words)
    later = new_case(description=words)
    assert later.status == "merged"
    timeline = page_of(signed_in(cast.command), later).split('id="timeline"')[1]
    assert "系统自动并单" in timeline and "重复度" in timeline and earlier.number in timeline
    assert "系统自动并单" in page_of(signed_in(cast.command), earlier).split('id="timeline"')[1]
