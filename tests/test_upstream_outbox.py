"""What happens to a forwarded case is queued for its platform, numbered per case, in the same transaction."""

import datetime as dt

import pytest
from django.db import transaction

from huying.cases import services as svc
from huying.upstream.models import UpstreamMessage
from tests.test_upstream_helpers import forwarded_case, platform_make


@pytest.fixture
def platform(cast):
    return platform_make()


def queued(case) -> list[tuple[int, str, str]]:
    return [(m.seq, m.payload["action"], m.payload["status"]) for m in UpstreamMessage.objects.filter(case=case)]


def test_accept_and_resolve_on_a_forwarded_case_enqueue_seq_1_and_2(cast, platform, clock):
    case = forwarded_case(cast, platform)
    clock.shift(dt.timedelta(minutes=20))
    svc.case_accept(case=case, by=cast.community_staff)
    clock.shift(dt.timedelta(hours=1))
    svc.case_resolve(case=case, by=cast.community_staff, result="垃圾已清运")
    first, second = UpstreamMessage.objects.filter(case=case)
    assert first.payload == {
        "upstream_id": "SH12345-2026-000001", "number": case.number, "seq": 1, "action": "accept",
        "status": "accepted", "at": "2026-09-30T10:20:00+08:00", "note": "",
        "completion_due_at": case.completion_due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat(),
    }
    assert (second.seq, second.payload["action"], second.payload["status"]) == (2, "resolve", "resolved")
    assert (second.payload["result"], second.payload["at"]) == ("垃圾已清运", "2026-09-30T11:20:00+08:00")
    assert (first.platform, first.status, first.attempts) == (platform, "pending", 0)
    assert first.next_attempt_at == first.event.created_at and first.event.action == "accept"


def test_every_status_change_the_platform_tracks_is_queued_in_order(cast, platform):
    case = forwarded_case(cast, platform)
    svc.case_return(case=case, by=cast.community_staff, reason="不属于本社区")
    svc.case_dispatch(case=case, to=cast.xingfu, by=cast.operator, reason="核实属于本社区")
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_request_extension(case=case, by=cast.community_staff, until=case.completion_due_at + dt.timedelta(days=3),
                               reason="需协调清运车辆")
    svc.case_approve_extension(case=case, by=cast.command)
    svc.case_escalate(case=case, by=cast.community_staff, reason="需街道协调")
    svc.case_accept(case=case, by=cast.street_dispatcher)
    svc.case_resolve(case=case, by=cast.street_dispatcher, result="已清运")
    svc.case_reopen(case=case, by=cast.operator, reason="居民反映仍有垃圾")
    svc.case_accept(case=case, by=cast.street_dispatcher)
    svc.case_resolve(case=case, by=cast.street_dispatcher, result="已彻底清运")
    svc.case_close(case=case, by=cast.operator)
    assert queued(case) == [
        (1, "return", "returned"), (2, "accept", "accepted"), (3, "decide_extension", "in_progress"),
        (4, "escalate", "escalated"), (5, "accept", "accepted"), (6, "resolve", "resolved"),
        (7, "reopen", "reopened"), (8, "accept", "accepted"), (9, "resolve", "resolved"), (10, "close", "closed"),
    ]
    decided = UpstreamMessage.objects.get(case=case, seq=3).payload
    assert decided["extension_approved"] is True and decided["completion_due_at"].startswith("2026-10-")


def test_merge_and_invalidation_are_queued(cast, platform, new_case):
    kept = new_case()
    merged = forwarded_case(cast, platform, "M-1")
    svc.case_merge(case=merged, into=kept, by=cast.operator, note="同一问题")
    invalid = forwarded_case(cast, platform, "I-1")
    svc.case_invalidate(case=invalid, by=cast.command, reason="重复恶意来电")
    assert queued(merged) == [(1, "merge", "merged")]
    assert UpstreamMessage.objects.get(case=merged).payload["merged_into"] == kept.number
    assert queued(invalid) == [(1, "invalidate", "invalid")]
    assert UpstreamMessage.objects.get(case=invalid).payload["note"] == "重复恶意来电"


def test_our_own_steps_are_not_reported(cast, platform):
    case = forwarded_case(cast, platform)  # create + dispatch
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_start(case=case, by=cast.community_staff)
    svc.case_add_note(case=case, by=cast.community_staff, note="已联系物业")
    assert queued(case) == [(1, "accept", "accepted")]


def test_a_case_not_from_upstream_is_never_queued(cast, platform, new_case):
    case = new_case()
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="已清运")
    svc.case_close(case=case, by=cast.operator)
    assert case.events.count() == 5 and UpstreamMessage.objects.count() == 0


def test_a_case_from_an_unknown_or_inactive_source_is_not_queued(cast, new_case):
    retired = platform_make("oldboard", active=False)
    for case in (forwarded_case(cast, retired, "R-1"),
                 new_case(channel="opinion", upstream_source="weibo", upstream_id="W-1")):
        svc.case_accept(case=case, by=cast.community_staff)
    assert UpstreamMessage.objects.count() == 0


def test_an_action_rolled_back_leaves_no_message(cast, platform):
    case = forwarded_case(cast, platform)
    with pytest.raises(RuntimeError), transaction.atomic():
        svc.case_accept(case=case, by=cast.community_staff)
        assert UpstreamMessage.objects.filter(case=case).count() == 1  # written beside the event …
        raise RuntimeError("the request failed after the action")
    assert UpstreamMessage.objects.count() == 0  # … and gone with it
