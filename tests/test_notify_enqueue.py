"""The resident is texted when the case is first accepted and each time it is resolved: queued once, with the event."""

import pytest
from django.db import transaction
from django.db.models.signals import post_save

from huying.cases import services as svc
from huying.cases.models import CaseEvent
from huying.notify.handlers import case_event_saved
from huying.notify.models import Notification
from huying.notify.phones import mask_phone, mobile_number
from huying.notify.templates import message_render
from tests.test_feedback_helpers import handle_to_result


def queued(case) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(case=case).order_by("id").values_list("template", "dedupe_key"))


def test_first_accept_and_the_result_each_queue_one_text_to_the_reporter(cast, new_case):
    case = handle_to_result(cast, new_case())
    accept, resolve = case.events.get(action="accept"), case.events.get(action="resolve")
    assert queued(case) == [
        ("case_accepted", f"case:{case.pk}:event:{accept.pk}:sms-resident"),
        ("case_resolved", f"case:{case.pk}:event:{resolve.pk}:sms-resident"),
    ]
    sms = Notification.objects.get(template="case_resolved")
    assert (sms.channel, sms.recipient, sms.status, sms.attempts) == ("sms", "13800138000", "pending", 0)
    assert sms.context["track_url"] == f"http://127.0.0.1:8000/t/{case.tracking_token}/"
    assert sms.context["rate_url"] == f"http://127.0.0.1:8000/t/{case.tracking_token}/rate/"


def test_a_handler_that_runs_twice_queues_nothing_more(cast, new_case):
    case = handle_to_result(cast, new_case())
    for event in case.events.all():
        case_event_saved(sender=CaseEvent, instance=event, created=True)
        post_save.send(sender=CaseEvent, instance=event, created=True)
    assert len(queued(case)) == 2


def test_a_reopened_case_is_not_accepted_news_again_but_its_new_result_is(cast, new_case):
    case = handle_to_result(cast, new_case())
    svc.case_reopen_by_resident(case=case, reason="没解决", window_days=7, limit=1)
    handle_to_result(cast, case, result="再次清运")
    assert [template for template, _key in queued(case)] == ["case_accepted", "case_resolved", "case_resolved"]


def test_nobody_is_texted_without_a_mobile_number(cast, new_case):
    anonymous = handle_to_result(cast, new_case(reporter_phone="", anonymous=True, reporter_name=""))
    landline = handle_to_result(cast, new_case(reporter_phone="010-6512 3456", description="路灯不亮"))
    assert queued(anonymous) == [] and queued(landline) == []


def test_an_anonymous_reporter_who_left_a_mobile_number_is_texted(cast, new_case):
    case = handle_to_result(cast, new_case(anonymous=True, reporter_phone="+86 139-1111-2222"))
    assert set(Notification.objects.filter(case=case).values_list("recipient", flat=True)) == {"13911112222"}


def test_the_text_is_queued_in_the_transaction_of_the_event(cast, new_case):
    case = new_case()
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.case_accept(case=case, by=cast.community_staff)
        raise RuntimeError("the caller's transaction fails after the accept")
    assert queued(case) == []


def test_links_use_the_configured_public_address(cast, new_case, settings):
    settings.HUYING = {**settings.HUYING, "PUBLIC_BASE_URL": "https://12345.example.gov.cn/"}
    case = handle_to_result(cast, new_case())
    sms = Notification.objects.get(template="case_resolved")
    assert sms.context["track_url"] == f"https://12345.example.gov.cn/t/{case.tracking_token}/"


def test_texts_are_chinese_by_default_and_english_when_asked(db):  # an administrator's wording may win: db
    context = {"number": "HY20260930000001", "unit": "幸福里社区", "track_url": "https://h/t/x/",
               "rate_url": "https://h/t/x/rate/"}
    chinese = message_render("case_resolved", context)
    english = message_render("case_resolved", {**context, "language": "en"})
    assert "已办结" in chinese and "https://h/t/x/rate/" in chinese
    assert english.startswith("Your request HY20260930000001") and "https://h/t/x/rate/" in english
    assert "幸福里社区" in message_render("case_accepted", context)


def test_phone_numbers_are_recognised_and_masked():
    assert mobile_number("+86 138-0013-8000") == mobile_number("13800138000") == "13800138000"
    assert mobile_number("010-65123456") is None and mobile_number("12345") is None
    assert mask_phone("13800138000") == "138****8000" and mask_phone("") == ""
