"""People see the outbox in the admin and retry what failed; `huying upstream_send` delivers what is due."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client

from huying.cases import services as svc
from huying.org.models import User
from huying.upstream.models import UpstreamMessage
from tests.test_upstream_helpers import CallbackServer, forwarded_case, platform_make

LIST = "/admin/upstream/upstreammessage/"


@pytest.fixture
def server():
    with CallbackServer() as running:
        yield running


@pytest.fixture
def waiting(cast, server):
    """Two messages of one forwarded case, not yet sent."""
    case = forwarded_case(cast, platform_make(callback_url=server.url))
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="垃圾已清运")
    return case


@pytest.fixture
def superuser(cast) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="root", is_staff=True, is_superuser=True))
    return client


def fail_first(case) -> UpstreamMessage:
    UpstreamMessage.objects.filter(case=case, seq=1).update(status="failed", attempts=12, last_error="HTTP 502: no")
    return UpstreamMessage.objects.get(case=case, seq=1)


def shown(client: Client, **filters) -> list[int]:
    """The seq of every message on the admin list page, with these filters."""
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return sorted(m.seq for m in response.context["cl"].result_list)


def test_admin_lists_messages_and_filters_the_failed_ones(superuser, waiting):
    fail_first(waiting)
    assert shown(superuser) == [1, 2]
    assert shown(superuser, status__exact="failed") == [1]
    assert shown(superuser, has_error="yes") == [1] and shown(superuser, has_error="no") == [2]
    assert shown(superuser, attempts="12") == [1]
    page = superuser.get(LIST).content.decode()
    assert "HTTP 502: no" in page and "retry_now" in page


def test_admin_cannot_add_or_edit_messages(superuser, waiting):
    message = UpstreamMessage.objects.get(case=waiting, seq=1)
    assert superuser.get(LIST + "add/").status_code == 403
    superuser.post(f"{LIST}{message.pk}/change/", {"status": "delivered", "attempts": 0})
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)


def test_retry_now_sends_a_failed_message_again(superuser, waiting, server):
    message = fail_first(waiting)
    call_command("upstream_send", stdout=io.StringIO())
    assert server.received == []  # the failed first message holds back the second

    response = superuser.post(LIST, {"action": "retry_now", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    out = io.StringIO()
    call_command("upstream_send", stdout=out)
    assert out.getvalue().strip() == "delivered 2, will retry 0, failed 0"
    assert [seq for _uid, seq, _action in server.seen()] == [1, 2]


def test_staff_without_the_permission_are_not_offered_the_retry(cast, waiting):
    clerk = User.objects.create(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_upstreammessage"))
    client = Client()
    client.force_login(clerk)
    page = client.get(LIST)
    assert page.status_code == 200 and "retry_now" not in page.content.decode()


def test_send_command_once_sends_a_single_batch(waiting, server):
    out = io.StringIO()
    call_command("upstream_send", "--once", "--batch", "1", stdout=out)
    assert out.getvalue().strip() == "delivered 1, will retry 0, failed 0"
    assert UpstreamMessage.objects.filter(status="pending").count() == 1


def test_send_command_reports_what_will_be_retried(waiting, server):
    server.answer_always(500)
    out = io.StringIO()
    call_command("upstream_send", stdout=out)
    assert out.getvalue().strip() == "delivered 0, will retry 1, failed 0"


def test_send_command_refuses_a_batch_of_zero():
    with pytest.raises(CommandError):
        call_command("upstream_send", "--batch", "0")
