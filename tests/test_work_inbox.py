"""The staff inbox (站内信): my own messages, newest first, in my language; opening one reads it; the badge."""

import datetime as dt
import itertools
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huying.notify.inbox import inbox_mark_read, inbox_unread_count
from huying.notify.models import InboxMessage, MessageTemplate, Notification, NotifyChannel, NotifyStatus
from huying.notify.recipients import case_context

_keys = itertools.count()


def message(user, case=None, *, template="timer_remind", context=None, minutes_ago=0, read=False) -> InboxMessage:
    """An in-app message as the in-app sender leaves it: a sent outbox row and the user's inbox row."""
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    if context is None:
        context = case_context(case, kind="completion", deadline_at="2026-10-08T17:30:00+08:00") if case else {}
    notification = Notification.objects.create(
        channel=NotifyChannel.INAPP, recipient=str(user.pk), template=template, case=case,
        context={**context, "language": "zh-hans"}, dedupe_key=f"test:{next(_keys)}",
        status=NotifyStatus.SENT, next_attempt_at=at, created_at=at, sent_at=at,
    )
    return InboxMessage.objects.create(notification=notification, user=user, case=case, created_at=at,
                                       read_at=at if read else None)


def inbox(client, user, query: str = ""):
    client.force_login(user)
    return client.get(f"/work/inbox/{query}")


def shown(response) -> list[int]:
    """The ids of the messages on the page, in order."""
    return [int(pk) for pk in re.findall(r'data-message="(\d+)"', response.content.decode())]


def unread_shown(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="message unread" data-message="(\d+)"', response.content.decode())]


def badge(response) -> str | None:
    found = re.search(r'<span class="count unread"[^>]*>([^<]+)</span>', response.content.decode())
    return found.group(1) if found else None


def test_staff_see_only_their_own_messages_newest_first(cast, new_case, client):
    case = new_case()
    older = message(cast.community_staff, case, minutes_ago=30)
    newer = message(cast.community_staff, case, minutes_ago=5)
    someone_elses = message(cast.street_dispatcher, case, minutes_ago=1)
    response = inbox(client, cast.community_staff)
    assert response.status_code == 200
    assert shown(response) == [newer.pk, older.pk]
    assert someone_elses.pk not in shown(response)


def test_a_message_is_shown_in_words_with_its_case_and_time(cast, new_case, client):
    case = new_case()
    sent = message(cast.community_staff, case, minutes_ago=0)
    page = inbox(client, cast.community_staff).content.decode()
    assert f"【催办】工单{case.number}（{case.title}）的办结时限为2026-10-08 17:30，请抓紧办理。" in page
    assert f'action="/work/inbox/{sent.pk}/open/"' in page and f"工单 {case.number}" in page
    assert '<time datetime="2026-09-30T10:00:00+08:00">2026-09-30 10:00</time>' in page


def test_unread_messages_are_marked_and_can_be_shown_alone(cast, new_case, client):
    case = new_case()
    unread = message(cast.community_staff, case, minutes_ago=1)
    read = message(cast.community_staff, case, minutes_ago=2, read=True)
    everything = inbox(client, cast.community_staff)
    assert shown(everything) == [unread.pk, read.pk] and unread_shown(everything) == [unread.pk]
    assert shown(inbox(client, cast.community_staff, "?show=unread")) == [unread.pk]
    assert "没有未读消息" in inbox(client, cast.street_dispatcher, "?show=unread").content.decode()


def test_an_english_session_reads_the_message_in_english_whatever_it_was_queued_in(cast, new_case, client):
    case = new_case()
    message(cast.community_staff, case)  # queued with "language": "zh-hans"
    client.cookies["django_language"] = "en"
    page = inbox(client, cast.community_staff).content.decode()
    assert f"[Reminder] Case {case.number} ({case.title}): the " in page
    assert "2026-10-08 17:30. Please act on it." in page
    assert "【催办】" not in page


def test_a_message_whose_template_cannot_be_rendered_shows_its_code_and_the_rest_still_show(cast, new_case, client):
    case = new_case()
    MessageTemplate.objects.update_or_create(code="timer_overdue", language="zh-hans",
                                             defaults={"text": "坏模板 {number"})  # an administrator's slip
    broken = message(cast.community_staff, case, template="timer_overdue", minutes_ago=3)
    unknown = message(cast.community_staff, case, template="no_such_template", minutes_ago=2)
    missing = message(cast.community_staff, template="timer_remind", context={"number": "X"}, minutes_ago=1)
    fine = message(cast.community_staff, case)
    response = inbox(client, cast.community_staff)
    page = response.content.decode()
    assert response.status_code == 200
    assert shown(response) == [fine.pk, missing.pk, unknown.pk, broken.pk]
    for code in ("timer_overdue", "no_such_template", "timer_remind"):
        assert f"消息内容无法显示（模板：{code}）" in page
    assert "【催办】工单" in page


def test_opening_a_message_marks_it_read_and_goes_to_its_case(cast, new_case, client):
    case = new_case()
    opened = message(cast.community_staff, case, minutes_ago=1)
    other = message(cast.community_staff, case, minutes_ago=2)
    client.force_login(cast.community_staff)
    response = client.post(f"/work/inbox/{opened.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/work/cases/{case.number}/"
    opened.refresh_from_db()
    other.refresh_from_db()
    assert opened.read_at == timezone.now() and other.read_at is None
    assert client.get(response["Location"]).status_code == 200


def test_opening_a_message_about_no_case_marks_it_read_and_stays_in_the_inbox(cast, client):
    note = message(cast.community_staff, template="supervision_remind", context={"number": "-", "title": "-"})
    client.force_login(cast.community_staff)
    response = client.post(f"/work/inbox/{note.pk}/open/", {"show": "unread"})
    assert response.status_code == 302 and response["Location"] == "/work/inbox/?show=unread"
    note.refresh_from_db()
    assert note.read_at is not None


def test_reading_a_message_again_keeps_the_first_read_time(cast, new_case, client, clock):
    first = message(cast.community_staff, new_case())
    client.force_login(cast.community_staff)
    client.post(f"/work/inbox/{first.pk}/open/")
    clock.shift(dt.timedelta(hours=1))
    client.post(f"/work/inbox/{first.pk}/open/")
    first.refresh_from_db()
    assert first.read_at == timezone.now() - dt.timedelta(hours=1)


def test_nobody_can_open_or_mark_another_users_message(cast, new_case, client):
    theirs = message(cast.street_dispatcher, new_case())
    client.force_login(cast.community_staff)
    assert client.post(f"/work/inbox/{theirs.pk}/open/").status_code == 404
    assert inbox_mark_read(user=cast.community_staff, ids=[theirs.pk]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_is_a_post_with_the_csrf_token(cast, new_case, client):
    sent = message(cast.community_staff, new_case())
    client.force_login(cast.community_staff)
    assert client.get(f"/work/inbox/{sent.pk}/open/").status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.community_staff)
    assert strict.post(f"/work/inbox/{sent.pk}/open/").status_code == 403
    sent.refresh_from_db()
    assert sent.read_at is None


def test_mark_all_read_reads_all_my_messages_and_nobody_elses(cast, new_case, client):
    case = new_case()
    mine = [message(cast.community_staff, case, minutes_ago=i) for i in range(3)]
    theirs = message(cast.street_dispatcher, case)
    client.force_login(cast.community_staff)
    response = client.post("/work/inbox/read-all/", follow=True)
    assert response.redirect_chain == [("/work/inbox/", 302)]
    assert "已全部标为已读（3 条）" in response.content.decode()
    assert InboxMessage.objects.filter(pk__in=[m.pk for m in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread_shown(response) == [] and badge(response) is None


def test_the_inbox_pages_fifty_at_a_time_without_repeating_or_skipping(cast, client):
    sent = [message(cast.community_staff, minutes_ago=i // 2, template="supervision_remind",
                    context={"number": str(i), "title": "t"}) for i in range(120)]  # pairs share a moment
    newest_first = [m.pk for m in sorted(sent, key=lambda m: (m.created_at, m.pk), reverse=True)]
    seen, query = [], ""
    for _page in range(3):
        response = inbox(client, cast.community_staff, query)
        seen += shown(response)
        found = re.search(r'class="next" href="([^"]+)"', response.content.decode())
        query = found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == 120 and seen == newest_first and query == ""


def test_a_bad_paging_cursor_says_so_and_shows_the_first_page(cast, client):
    first = message(cast.community_staff, template="supervision_remind", context={"number": "1", "title": "t"})
    for bad in ("nonsense", "1_2_3", "999999999999999999_1", "1_99999999999999999999", "１_2", "-5_1"):
        response = inbox(client, cast.community_staff, f"?after={bad}")
        assert response.status_code == 200
        assert "分页位置：无法识别，已回到第一页" in response.content.decode()
        assert shown(response) == [first.pk]


def test_the_inbox_is_for_signed_in_staff_only(cast, client):
    assert client.get("/work/inbox/").status_code == 302  # to the login page
    assert client.post("/work/inbox/read-all/").status_code == 302
    client.force_login(cast.admin)  # the administrator's pages are the admin's, not the console's
    assert client.get("/work/inbox/").status_code == 403


def test_the_badge_shows_my_unread_count_on_every_console_page(cast, new_case, client):
    case = new_case()
    for i in range(3):
        message(cast.community_staff, case, minutes_ago=i)
    message(cast.community_staff, case, read=True)
    message(cast.street_dispatcher, case)
    client.force_login(cast.community_staff)
    for path in ("/work/inbox/", "/work/queues/", f"/work/cases/{case.number}/"):
        assert badge(client.get(path)) == "3", path
    client.force_login(cast.street_dispatcher)
    assert badge(client.get("/work/queues/")) == "1"


def test_no_unread_messages_no_badge_but_the_link_stays(cast, client):
    client.force_login(cast.community_staff)
    page = client.get("/work/queues/")
    assert badge(page) is None and 'class="inbox-link" href="/work/inbox/"' in page.content.decode()


def test_the_badge_says_99_plus_above_99(cast, client):
    for i in range(99):
        message(cast.community_staff, template="supervision_remind", minutes_ago=i)
    client.force_login(cast.community_staff)
    assert badge(client.get("/work/queues/")) == "99"
    message(cast.community_staff, template="supervision_remind")
    assert badge(client.get("/work/queues/")) == "99+"
    assert inbox_unread_count(cast.community_staff) == 100


def test_the_badge_costs_one_query(cast, client):
    for i in range(5):
        message(cast.community_staff, template="supervision_remind", minutes_ago=i)
    client.force_login(cast.community_staff)
    with CaptureQueriesContext(connection) as queries:
        client.get("/work/queues/")
    inbox_queries = [q["sql"] for q in queries.captured_queries if "notify_inboxmessage" in q["sql"]]
    assert len(inbox_queries) == 1 and "COUNT(" in inbox_queries[0].upper()
    assert "ORDER BY" not in inbox_queries[0].upper()  # any 100 unread rows will do: no sort needed


def test_the_console_layout_shows_anonymous_visitors_no_inbox_and_asks_nothing(db, rf):
    request = rf.get("/work/queues/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        page = render_to_string("workbench/base.html", {"user": request.user}, request=request)
    assert "inbox-link" not in page and "/work/inbox/" not in page
    assert not [q for q in queries.captured_queries if "notify_inboxmessage" in q["sql"]]


@pytest.mark.parametrize("size", [1, 20])
def test_the_inbox_page_costs_the_same_queries_for_one_message_or_twenty(cast, client, size):
    """Fixed queries: the administrators' wordings are read once, not once per message."""
    for i in range(size):
        message(cast.community_staff, template="supervision_remind", context={"number": str(i), "title": "t"},
                minutes_ago=i)
    client.force_login(cast.community_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/work/inbox/")
    assert len(shown(response)) == size
    wording = [q for q in queries.captured_queries if "notify_messagetemplate" in q["sql"]]
    assert len(wording) == 1
    assert len(queries) <= 7
