"""Each new case arrives understood: suggestions recorded with the model version, the category trusted only
above the configured confidence, and a person's correction recorded for the next model."""

import pytest

from huying.cases.models import CaseTriage, CategorySource, TriageOutcome
from huying.cases.services import case_create, case_reclassify
from huying.lib.errors import Forbidden
from huying.triage.classifier import classifier_train
from huying.triage.models import Target, TriageModel
from huying.triage.store import model_store
from tests.cast import triage_set

# Written for these tests: three of the cast's categories, eight requests each.
TRAINING = {
    "T010101": ["小区垃圾桶满了没人清运", "垃圾站臭气熏天好几天没收", "楼下垃圾堆放一周无人处理", "垃圾清运车不来",
                "垃圾满溢到路边", "生活垃圾没人收走", "垃圾桶旁边苍蝇很多一直没清", "门口垃圾堆积如山"],
    "T010201": ["路边大树树枝挡住窗户", "小区树木太高需要修剪", "树枝快碰到电线了请修剪", "枯树随时会倒请砍掉",
                "行道树遮挡路灯", "树枝伸进阳台", "绿化树长得太密挡光", "大风把树枝吹歪了"],
    "T0201": ["晚上工地施工噪音太大", "楼上装修电钻声吵得睡不着", "广场舞音响声音太吵", "酒吧夜里噪声扰民",
              "工地凌晨还在打桩", "商铺喇叭整天叫卖很吵", "空调外机噪音很大", "夜间货车鸣笛噪声"],
}


@pytest.fixture
def trained(cast):
    texts = [t for texts in TRAINING.values() for t in texts]
    labels = [label for label, texts in TRAINING.items() for _t in texts]
    return model_store(classifier=classifier_train(texts, labels), source="test", activate=True)


def _resident_case(cast, description: str, **fields):
    return case_create(by=None, channel="web", request_type=cast.complaint, description=description,
                       address="幸福里3号楼", reporter_phone="13800138000", **fields)


def test_a_trusted_suggestion_classifies_and_routes_the_case(cast, trained):
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运，臭气熏天")
    record = CaseTriage.objects.get(case=case)
    assert record.method == "model" and record.model_version == trained.version
    assert record.categories[0]["code"] == "T010101" and len(record.categories) == 3
    assert record.outcome == TriageOutcome.AUTO and record.confidence >= 0.6
    assert case.category == cast.sanitation and case.category_source == CategorySource.MODEL
    assert case.current_unit == cast.xingfu  # the sanitation rule: A2, the community of 幸福里3号楼
    created = case.events.get(action="create")
    assert created.data["triage"]["model"] == trained.version
    assert created.data["triage"]["suggested"][0] == "T010101"


def test_below_the_threshold_the_case_waits_for_a_person(cast, trained):
    triage_set(min_confidence=0.99)
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运")
    record = CaseTriage.objects.get(case=case)
    assert record.outcome == TriageOutcome.WAITING and record.categories  # suggested, not trusted
    assert case.category is None and case.category_source == ""
    assert case.current_unit == cast.centre  # the command centre's queue: a person triages it
    assert case.events.get(action="dispatch").data["reason"] == "no_dispatch_rule"


def test_auto_classification_can_be_switched_off(cast, trained):
    triage_set(auto_classify=False)
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运")
    assert case.category is None and case.triage.outcome == TriageOutcome.WAITING


def test_a_category_given_by_the_operator_is_kept_and_compared(cast, trained, new_case):
    case = new_case(category=cast.noise, description="幸福里3号楼下垃圾桶满了没人清运")
    assert case.category == cast.noise and case.category_source == CategorySource.STAFF
    assert case.triage.outcome == TriageOutcome.GIVEN
    assert case.triage.corrected is True  # the operator chose other than the top suggestion


def test_the_resident_choice_is_not_a_staff_confirmation(cast, trained):
    case = _resident_case(cast, "树枝伸进阳台挡光", category=cast.trees)
    assert case.category_source == CategorySource.REPORTER and case.triage.corrected is False


def test_cold_start_uses_the_catalogue_keywords(cast):
    assert not TriageModel.objects.exists()
    strong = _resident_case(cast, "幸福里3号楼垃圾桶满溢，垃圾没人收，清运车好几天没来")
    assert strong.triage.method == "keywords" and strong.triage.outcome == TriageOutcome.AUTO
    assert strong.category.code == "010101" and strong.category_source == CategorySource.KEYWORDS
    weak = _resident_case(cast, "门口有点垃圾")  # one short keyword: a guess, not trusted
    assert weak.triage.method == "keywords" and weak.triage.outcome == TriageOutcome.WAITING
    assert weak.category is None
    nothing = _resident_case(cast, "谢谢你们上次的耐心答复")
    assert nothing.triage.method == "" and nothing.triage.categories == []
    card = _resident_case(cast, "想问一下社保卡丢了怎么补卡")
    assert card.triage.categories[0]["code"] == "050205"


def test_a_reclassification_is_an_event_and_marks_the_correction(cast, trained):
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运，臭气熏天")
    case_reclassify(case=case, category=cast.trees, by=cast.operator, note="其实是树枝遮挡垃圾站")
    case.refresh_from_db()
    assert case.category == cast.trees and case.category_source == CategorySource.STAFF
    event = case.events.get(action="reclassify")
    assert event.data == {"from": "T010101", "to": "T010201", "suggested": "T010101", "model": trained.version}
    assert event.actor == cast.operator
    assert CaseTriage.objects.get(case=case).corrected is True


def test_confirming_the_suggestion_is_not_a_correction(cast, trained):
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运，臭气熏天")
    case_reclassify(case=case, category=cast.sanitation, by=cast.operator)
    case.refresh_from_db()
    assert case.category_source == CategorySource.STAFF and case.triage.corrected is False


def test_a_unit_without_the_case_cannot_reclassify(cast, trained):
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运")
    with pytest.raises(Forbidden):
        case_reclassify(case=case, category=cast.trees, by=cast.parks_handler)
    assert not case.events.filter(action="reclassify").exists()


def test_a_new_active_model_replaces_the_old_one(cast, trained):
    texts = [t for texts in TRAINING.values() for t in texts]
    labels = [label for label, texts in TRAINING.items() for _t in texts]
    newer = classifier_train(texts, labels)
    newer.version = trained.version + "b"
    second = model_store(classifier=newer, source="test", activate=True)
    assert list(TriageModel.objects.filter(active=True)) == [second]
    case = _resident_case(cast, "晚上工地施工噪音太大吵得睡不着")
    assert case.triage.model_version == second.version and case.category == cast.noise
    assert TriageModel.objects.get(pk=trained.pk).target == Target.CATEGORY


def test_a_danger_in_a_request_nobody_has_read_alerts_the_command_centre(cast):
    from huying.notify.models import Notification

    case = _resident_case(cast, "幸福里3号楼一单元楼道里闻到很浓的燃气味，好像漏气了")
    alerts = Notification.objects.filter(case=case, template="urgency_hint")
    assert [(n.channel, n.recipient) for n in alerts] == [("inapp", str(cast.command.pk))]
    assert alerts[0].urgent and "燃气泄漏" in alerts[0].context["note"]
    assert case.triage.urgent[0]["danger"] == "gas"


def test_an_operator_who_saw_the_banner_is_not_alerted_again(cast, new_case):
    from huying.notify.models import Notification

    case = new_case(description="幸福里3号楼一单元楼道里闻到很浓的燃气味，好像漏气了")
    assert case.triage.urgent and not Notification.objects.filter(template="urgency_hint").exists()


def test_a_model_this_release_cannot_read_falls_back_to_the_keywords(cast, trained):
    TriageModel.objects.filter(pk=trained.pk).update(blob=b"an older format")
    case = _resident_case(cast, "幸福里3号楼垃圾桶满溢，垃圾没人收，清运车好几天没来")
    assert case.triage.method == "keywords" and case.triage.model_version == ""
    assert case.category.code == "010101"


def test_a_failing_triage_never_loses_the_request(cast, monkeypatch):
    import huying.cases.services.intake as intake

    def broken(**_request):
        raise RuntimeError("a bug in reading")

    def broken_filter(**_arguments):
        raise RuntimeError("a bug in the duplicate filter")

    monkeypatch.setattr(intake, "triage_assess", broken)
    case = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运")
    assert case.pk and case.status == "dispatched" and not CaseTriage.objects.filter(case=case).exists()
    monkeypatch.undo()
    monkeypatch.setattr(intake, "duplicates_settle", broken_filter)
    second = _resident_case(cast, "幸福里3号楼下垃圾桶满了好几天没人清运")
    assert second.status == "dispatched" and second.triage.duplicate_decision == ""
