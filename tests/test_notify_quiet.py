"""Quiet hours (免打扰): a non-urgent text waits for the window's end without using an attempt; emergencies go out."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from huying.lib.workcal import SHANGHAI
from huying.notify.models import Notification, SmsGateway
from huying.notify.quiet import quiet_end
from tests.http_sink import http_sink
from tests.test_feedback_helpers import handle_to_result

T = dt.time


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Beijing time on the frozen day (0: 2026-09-30) or a day after it (1: 2026-10-01)."""
    return dt.datetime(2026, 9, 30, hour, minute, tzinfo=SHANGHAI) + dt.timedelta(days=day)


@pytest.mark.parametrize(("moment", "window", "end"), [
    (at(0, 23, 30), (T(22), T(8)), at(1, 8)),  # evening part of a window across midnight: ends tomorrow
    (at(1, 1), (T(22), T(8)), at(1, 8)),  # the morning part: ends today
    (at(0, 22), (T(22), T(8)), at(1, 8)),  # the start is inside
    (at(0, 8), (T(22), T(8)), None),  # the end is outside
    (at(0, 12), (T(22), T(8)), None),
    (at(0, 12, 30), (T(12), T(14)), at(0, 14)),  # a window within one day
    (at(0, 15), (T(12), T(14)), None),
    (at(0, 23), (None, T(8)), None),  # half a window is none
    (at(0, 23), (T(22), T(22)), None),
])
def test_the_quiet_window_ends_where_expected(moment, window, end):
    assert quiet_end(moment, *window) == end


def test_the_window_is_read_in_beijing_time_whatever_the_moments_zone():
    utc_evening = dt.datetime(2026, 9, 30, 15, 30, tzinfo=dt.UTC)  # 23:30 in Beijing
    assert quiet_end(utc_evening, T(22), T(8)) == at(1, 8)


@pytest.fixture
def quiet_gateway(db):
    with http_sink() as sink:
        SmsGateway.objects.create(name="夜间免打扰网关", url=sink.base_url + "/sms", quiet_from=T(22), quiet_until=T(8),
                                  body_template={"mobile": "{phone}", "content": "{text}"})
        yield sink


def send_once() -> None:
    call_command("notify_send", "--once", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_resident_text_due_at_night_waits_for_the_morning_without_using_an_attempt(
        cast, new_case, clock, quiet_gateway):
    clock.move_to(at(0, 23, 30))
    case = handle_to_result(cast, new_case())
    send_once()
    texts = Notification.objects.filter(case=case).order_by("pk")
    assert [(n.status, n.attempts, n.next_attempt_at) for n in texts] == [("pending", 0, at(1, 8))] * 2
    assert quiet_gateway.received == []
    clock.move_to(at(1, 7, 59))
    send_once()
    assert quiet_gateway.received == []
    clock.move_to(at(1, 8))
    send_once()
    assert [(n.status, n.attempts) for n in texts.all()] == [("sent", 1)] * 2
    assert len(quiet_gateway.received) == 2


def test_an_emergency_alert_is_urgent_and_goes_out_at_night(cast, new_case, clock, quiet_gateway):
    clock.move_to(at(0, 23, 30))
    cast.centre.contact_phone = "13900000001"
    cast.centre.save()
    case = new_case(channel="emergency", urgency="emergency", category=None, request_type=cast.help,
                    description="幸福里3号楼楼道里煤气味很浓")
    alert = Notification.objects.get(case=case, template="emergency_alert")
    assert alert.urgent
    send_once()
    alert.refresh_from_db()
    assert (alert.status, alert.attempts) == ("sent", 1)
    assert [r["json"]["mobile"] for r in quiet_gateway.received] == ["13900000001"]


def test_outside_quiet_hours_a_text_goes_at_once(cast, new_case, clock, quiet_gateway):
    clock.move_to(at(0, 8))
    case = handle_to_result(cast, new_case())
    send_once()
    assert set(Notification.objects.filter(case=case).values_list("status", flat=True)) == {"sent"}
