"""Message templates (消息模板): seeded from the defaults, reworded by an administrator, used at once."""

import io

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal

from huying.notify.models import MessageTemplate, Notification, SmsGateway
from huying.notify.templates import TEXTS
from huying.org.models import User
from tests.cast import PASSWORD
from tests.http_sink import http_sink
from tests.test_feedback_helpers import handle_to_result


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    return client


def row(code: str, language: str = "zh-hans") -> MessageTemplate:
    return MessageTemplate.objects.get(code=code, language=language)


def change(admin_client, template: MessageTemplate, **fields):
    data = {"code": template.code, "language": template.language, "subject": template.subject,
            "text": template.text, **fields}
    return admin_client.post(f"/admin/notify/messagetemplate/{template.pk}/change/", data)


def form_errors(response) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def test_every_default_wording_is_a_row_after_migrate(db):
    have = set(MessageTemplate.objects.values_list("code", "language", "text"))
    assert have == {(code, language, text) for code, texts in TEXTS.items() for language, text in texts.items()}


def test_migrating_again_adds_what_is_missing_and_keeps_the_administrators_wording(db):
    MessageTemplate.objects.filter(code="case_accepted", language="zh-hans").update(text="已受理：{number}")
    row("case_resolved", "en").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert row("case_accepted").text == "已受理：{number}"
    assert row("case_resolved", "en").text == TEXTS["case_resolved"]["en"]
    assert MessageTemplate.objects.count() == 2 * len(TEXTS)


def test_the_change_form_lists_the_placeholders_the_wording_may_use(admin_client):
    page = admin_client.get(f"/admin/notify/messagetemplate/{row('timer_remind').pk}/change/").content.decode()
    assert "可用的占位符：{deadline}、{deadline_name}、{number}、{title}" in page


def test_an_edited_wording_is_used_for_the_next_text(admin_client, cast, new_case):
    response = change(admin_client, row("case_accepted"), text="【呼应】{unit}已接单，工单{number}，进度：{track_url}")
    assert response.status_code == 302
    with http_sink() as sink:
        SmsGateway.objects.create(name="本地网关", url=sink.base_url, body_template={"m": "{phone}", "c": "{text}"})
        case = handle_to_result(cast, new_case())
        Notification.objects.filter(template="case_resolved").delete()
        call_command("notify_send", "--once", stdout=io.StringIO(), stderr=io.StringIO())
    (request,) = sink.received
    assert request["json"]["c"] == f"【呼应】幸福里社区已接单，工单{case.number}，进度：http://127.0.0.1:8000/t/{case.tracking_token}/"


def test_an_unknown_placeholder_is_refused_on_its_field(admin_client):
    template = row("case_accepted")
    response = change(admin_client, template, text="{number}：{reporter_phone}", subject="{title}")
    errors = form_errors(response)
    assert errors["text"] == ["未知的占位符 {reporter_phone}，可用的占位符：{number}、{track_url}、{unit}"]
    assert errors["subject"][0].startswith("未知的占位符 {title}")
    assert row("case_accepted").text == template.text  # nothing saved


@pytest.mark.parametrize(("text", "start"), [
    ("工单{number", "无法解析"),  # an unbalanced brace
    ("工单{}", "无法填入内容"),  # a positional field has nothing to fill it
    ("工单{number!z}", "占位符 {number} 只能写作"),  # a conversion (only bare names are allowed)
])
def test_a_wording_that_cannot_be_filled_in_is_refused(admin_client, text, start):
    errors = form_errors(change(admin_client, row("case_accepted"), text=text))
    assert errors["text"][0].startswith(start), errors


def test_a_template_for_an_unknown_message_is_refused_on_its_code(admin_client):
    response = admin_client.post("/admin/notify/messagetemplate/add/",
                                 {"code": "no_such_message", "language": "en", "subject": "", "text": "Hi"})
    assert form_errors(response) == {"code": ["没有名为“no_such_message”的消息模板"]}


def test_an_edited_template_can_be_restored_to_the_default_wording(cast, client):
    from huying.notify.models import MessageTemplate
    from huying.notify.templates import TEXTS

    row = MessageTemplate.objects.get(code="timer_remind", language="zh-hans")
    row.text = "请尽快办理{number}"
    row.save()
    cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    response = client.post("/admin/notify/messagetemplate/", {"action": "restore_default",
                                                              "_selected_action": [row.pk]}, follow=True)
    assert "已恢复 1 个模板的默认文字" in response.content.decode()
    row.refresh_from_db()
    assert row.text == TEXTS["timer_remind"]["zh-hans"]


def test_a_placeholder_with_a_format_or_conversion_is_refused():
    from huying.notify.template_check import TemplateProblem, allowed_placeholders, wording_check

    allowed = allowed_placeholders("timer_remind")
    for text in ("{title:>2000000000}", "{number!r}"):
        with pytest.raises(TemplateProblem, match="只能写作"):
            wording_check(text, allowed)
