"""Opinion feeds (舆情监测): every new item of a due feed becomes one case, however often the feed is polled."""

import datetime as dt
import hashlib
import io
import json
import socket

import httpx
import pytest
from django.core.management import call_command
from django.utils import translation

from huying.cases.models import Case
from huying.intake import feeds
from huying.intake.feeds import feeds_poll_due
from huying.intake.models import OpinionFeed
from tests.cast import FROZEN_NOW
from tests.test_feeds_helpers import JSON, JSON_MAPPING, RSS, FeedServer, feed_make

QUARTER = dt.timedelta(minutes=15)


@pytest.fixture
def server(tmp_path):
    with FeedServer(tmp_path) as running:
        yield running


@pytest.fixture(autouse=True)
def chinese():
    """Errors are recorded in the server's language, whatever an earlier test left active in this thread."""
    with translation.override("zh-hans"):
        yield


def poll() -> list[feeds.PollReport]:
    with httpx.Client() as client:
        return feeds_poll_due(client=client)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_rss_items_become_opinion_cases_once_however_often_the_feed_is_polled(cast, server, clock):
    feed = feed_make(cast, server.write("bbs.rss", RSS))
    [first] = poll()
    clock.shift(QUARTER)
    [second] = poll()
    assert (first.created, first.seen, second.created, second.seen) == (3, 0, 0, 3)
    assert len(server.requests) == 2 and Case.objects.count() == 3
    cases = {c.upstream_id: c for c in Case.objects.all()}
    assert set(cases) == {"bbs-1001", "bbs-1002", "http://bbs.example/t/1003"}  # no guid: known by its link
    case = cases["bbs-1001"]
    assert (case.channel, case.upstream_source) == ("opinion", f"feed:{feed.pk}")
    assert (case.request_type, case.category) == (cast.complaint, cast.sanitation)
    assert case.title == "幸福里小区垃圾站臭气熏天"
    assert case.description == ("幸福里小区垃圾站臭气熏天\n\n幸福里3号楼旁的垃圾站一周没清，夏天味道很大。\n\n"
                                "http://bbs.example/t/1001")  # the HTML of the post is gone
    assert case.current_unit is not None  # routed like any case


def test_json_items_are_read_through_the_feeds_mapping(cast, server):
    feed_make(cast, server.write("weibo.json", JSON), kind="json", json_mapping=JSON_MAPPING)
    [report] = poll()
    assert report.created == 3 and not report.error
    cases = {c.upstream_id: c for c in Case.objects.all()}
    digest = hashlib.sha256("无编号无链接\n按文字认出它".encode()).hexdigest()
    assert set(cases) == {"501", "502", digest}  # no id and no link: known by its words
    assert cases["501"].description == "工地夜间施工扰民\n\n东湖路工地每晚十二点后还在打桩\n\nhttp://weibo.example/501"
    assert cases["502"].title == "公交站台顶棚漏雨"  # no subject: the text stands in


def test_a_feed_answering_500_records_the_error_and_creates_nothing(cast, server):
    feed = feed_make(cast, server.url("status/500"))
    [report] = poll()
    feed.refresh_from_db()
    assert report.error == feed.last_error == "HTTP 500"
    assert feed.last_polled_at == FROZEN_NOW and not Case.objects.exists()


def test_malformed_items_are_skipped_and_counted_and_the_good_ones_taken(cast, server):
    items = [{"id": 1, "subject": "小区门口积水", "content": {"text": "下雨就淹"}}, "不是对象",
             {"id": 2, "subject": "", "content": {"text": ""}}, {"id": 3, "subject": {"zh": "嵌套"}}]
    url = server.write("mixed.json", json.dumps({"data": {"list": items}}, ensure_ascii=False))
    feed = feed_make(cast, url, kind="json", json_mapping=JSON_MAPPING)
    [report] = poll()
    feed.refresh_from_db()
    assert (report.created, report.skipped) == (1, 3)
    assert feed.last_error == "3 条条目无法读取，已跳过"
    assert list(Case.objects.values_list("upstream_id", flat=True)) == ["1"]


def test_an_rss_item_with_neither_title_nor_text_is_skipped(cast, server):
    rss = RSS.replace("<item><title>没有编号的帖子</title><description>只有链接能认出它</description>",
                      "<item><guid>empty</guid>")
    feed_make(cast, server.write("bbs.rss", rss))
    [report] = poll()
    assert (report.created, report.skipped) == (2, 1)


def test_a_feed_is_polled_again_only_when_its_interval_has_passed(cast, server, clock):
    feed_make(cast, server.write("bbs.rss", RSS))
    poll()
    clock.shift(QUARTER - dt.timedelta(seconds=1))
    assert poll() == [] and len(server.requests) == 1
    clock.shift(dt.timedelta(seconds=1))
    assert len(poll()) == 1 and len(server.requests) == 2


def test_an_inactive_feed_is_not_polled(cast, server):
    feed_make(cast, server.write("bbs.rss", RSS), active=False)
    assert poll() == [] and server.requests == [] and not Case.objects.exists()


def test_a_failing_feed_does_not_stop_the_others(cast, server):
    broken = feed_make(cast, server.url("status/500"), name="坏源")
    gone = feed_make(cast, f"http://127.0.0.1:{closed_port()}/feed.rss", name="断线")
    garbage = feed_make(cast, server.write("page.json", "<html>不是 JSON</html>"), name="乱码", kind="json")
    good = feed_make(cast, server.write("bbs.rss", RSS), name="好源")
    reports = {r.feed.pk: r for r in poll()}
    assert reports[good.pk].created == 3 and Case.objects.count() == 3
    for feed in (broken, gone, garbage):
        feed.refresh_from_db()
    assert broken.last_error == "HTTP 500"
    assert gone.last_error.startswith("无法访问：")
    assert garbage.last_error.startswith("无法解析 JSON")


def test_an_unexpected_failure_in_one_feed_is_recorded_and_the_round_goes_on(cast, server, monkeypatch):
    bad = feed_make(cast, server.write("a.rss", RSS), name="出错")
    good = feed_make(cast, server.write("b.rss", RSS), name="正常")
    real = feeds.feed_items

    def items(feed, content):
        if feed.pk == bad.pk:
            raise RuntimeError("database went away")
        return real(feed, content)

    monkeypatch.setattr(feeds, "feed_items", items)
    reports = {r.feed.pk: r for r in poll()}
    bad.refresh_from_db()
    assert bad.last_error == "RuntimeError: database went away" and reports[bad.pk].error == bad.last_error
    assert reports[good.pk].created == 3


def test_a_feed_that_recovers_clears_its_error(cast, server, clock):
    feed = feed_make(cast, server.url("bbs.rss"))
    poll()  # the file is not there yet: 404
    feed.refresh_from_db()
    assert feed.last_error == "HTTP 404"
    server.write("bbs.rss", RSS)
    clock.shift(QUARTER)
    poll()
    feed.refresh_from_db()
    assert feed.last_error == "" and Case.objects.count() == 3


def test_the_same_item_in_two_feeds_is_two_cases(cast, server):
    url = server.write("bbs.rss", RSS)
    feed_make(cast, url, name="甲")
    feed_make(cast, url, name="乙")
    poll()
    assert Case.objects.count() == 6


def test_of_two_pollers_that_read_the_feed_at_once_only_one_takes_it(cast, server):
    feed = feed_make(cast, server.write("bbs.rss", RSS))
    mine, theirs = OpinionFeed.objects.get(pk=feed.pk), OpinionFeed.objects.get(pk=feed.pk)
    assert feeds.feed_claim(mine, FROZEN_NOW)
    assert not feeds.feed_claim(theirs, FROZEN_NOW)


def test_the_command_polls_the_due_feeds_once(cast, server):
    feed_make(cast, server.write("bbs.rss", RSS))
    feed_make(cast, server.url("status/503"), name="维护中")
    out, err = io.StringIO(), io.StringIO()
    call_command("feeds_poll", "--once", stdout=out, stderr=err)
    assert "网络问政: created 3, already taken 0, skipped 0" in out.getvalue()
    assert "维护中: created 0, already taken 0, skipped 0; error: HTTP 503" in err.getvalue()
