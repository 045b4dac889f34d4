"""Opinion feeds (舆情监测): poll each active feed when due; each new item becomes a case, once.

An item is known by its id in the feed, else its link, else a digest of its words, stored as the case's
upstream id under "feed:<pk>": case_create_once makes every item a case exactly once, however often the
feed is polled and whichever poller gets there first. A feed that fails is recorded on the feed and never
stops the others; an item that cannot be read is skipped and counted.
"""

import datetime as dt
import hashlib
import html
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import feedparser
import httpx
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from huying.cases.models import Channel
from huying.cases.services import case_create_once
from huying.intake.importing.rows import case_max_length
from huying.intake.models import FeedKind, OpinionFeed
from huying.lib.errors import HuyingError

logger = logging.getLogger(__name__)

TIMEOUT = 10.0  # seconds, per request
MAX_BYTES = 5 * 2**20  # a feed is a page of recent items; anything bigger is a wrong URL, not news
ERROR_MAX = 500
ID_MAX = case_max_length("upstream_id")
JSON_DEFAULTS = {"items": "", "id": "id", "title": "title", "text": "text", "link": "link"}


class FeedError(Exception):
    """The feed as a whole could not be read: recorded as the feed's last error."""


class MalformedItem(Exception):
    """One item could not be read: skipped and counted."""


@dataclass(frozen=True)
class FeedItem:
    key: str  # the item's id, else its link, else a digest of its words
    title: str
    text: str
    link: str

    def description(self) -> str:
        return "\n\n".join(part for part in (self.title, self.text, self.link) if part)


@dataclass
class PollReport:
    feed: OpinionFeed
    created: int = 0
    seen: int = 0  # items made into cases by an earlier poll
    skipped: int = 0
    error: str = ""


def _plain(value: Any) -> str:
    """Text of an item field: tags stripped, entities decoded; a nested object is not text."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise MalformedItem("not text")
    return html.unescape(strip_tags(str(value))).strip()


def item_make(*, key: Any, title: Any, text: Any, link: Any) -> FeedItem:
    """A FeedItem with its key settled; MalformedItem when it has neither title nor text."""
    title, text, link = _plain(title), _plain(text), _plain(link)
    if not title and not text:
        raise MalformedItem("empty")
    key = _plain(key) or link or hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    if len(key) > ID_MAX:  # long links would be cut into collisions; their digest is unique and short
        key = hashlib.sha256(key.encode()).hexdigest()
    return FeedItem(key=key, title=title, text=text, link=link)


def rss_items(content: bytes) -> Iterator[FeedItem | MalformedItem]:
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise FeedError(_("无法解析 RSS/Atom：%(error)s") % {"error": parsed.get("bozo_exception", "")})
    for entry in parsed.entries:
        body = entry.get("content", [{}])[0].get("value") or entry.get("summary", "")
        try:
            yield item_make(key=entry.get("id"), title=entry.get("title"), text=body, link=entry.get("link"))
        except MalformedItem as problem:
            yield problem


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path ("data.list", "items.0.id"); None where the path leads nowhere."""
    for step in filter(None, path.split(".")):
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and step.isdigit() and int(step) < len(data):
            data = data[int(step)]
        else:
            return None
    return data


def json_items(content: bytes, mapping: dict[str, Any]) -> Iterator[FeedItem | MalformedItem]:
    paths = {**JSON_DEFAULTS, **{k: v for k, v in (mapping or {}).items() if isinstance(v, str)}}
    try:
        data = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(_("无法解析 JSON：%(error)s") % {"error": error}) from error
    items = dig(data, paths["items"])
    if not isinstance(items, list):
        raise FeedError(_("JSON 中“%(path)s”处不是条目列表") % {"path": paths["items"] or "."})
    for raw in items:
        try:
            if not isinstance(raw, dict):
                raise MalformedItem("not an object")
            yield item_make(**{field: dig(raw, paths[field]) for field in ("title", "text", "link")},
                            key=dig(raw, paths["id"]))
        except MalformedItem as problem:
            yield problem


def feed_fetch(client: httpx.Client, url: str) -> bytes:
    """The feed's body; FeedError on a network failure, an HTTP error status, or a body over MAX_BYTES."""
    try:
        with client.stream("GET", url, timeout=TIMEOUT, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise FeedError(_("HTTP %(status)d") % {"status": response.status_code})
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FeedError(_("内容超过 %(mb)d MB") % {"mb": MAX_BYTES // 2**20})
            return bytes(body)
    except httpx.HTTPError as error:
        raise FeedError(_("无法访问：%(error)s") % {"error": str(error) or type(error).__name__}) from error


def feed_items(feed: OpinionFeed, content: bytes) -> Iterator[FeedItem | MalformedItem]:
    if feed.kind == FeedKind.JSON:
        return json_items(content, feed.json_mapping)
    return rss_items(content)


def feed_is_due(feed: OpinionFeed, now: dt.datetime) -> bool:
    return feed.last_polled_at is None or feed.last_polled_at + dt.timedelta(minutes=feed.poll_minutes) <= now


def feed_claim(feed: OpinionFeed, now: dt.datetime) -> bool:
    """Take this round of the feed; False when another poller took it since we read it."""
    # Conditional on the time we read: of two pollers that read the same row, exactly one matches.
    won = OpinionFeed.objects.filter(pk=feed.pk, last_polled_at=feed.last_polled_at).update(last_polled_at=now)
    feed.last_polled_at = now
    return won == 1


def item_to_case(feed: OpinionFeed, item: FeedItem) -> bool:
    """Make the item a case unless an earlier poll did; True when this call created it."""
    _case, created = case_create_once(
        scope=f"feed:{feed.pk}", by=None, channel=Channel.OPINION, request_type=feed.request_type,
        category=feed.category, title=item.title or item.text, description=item.description(),
        upstream_source=f"feed:{feed.pk}", upstream_id=item.key,
    )
    return created


def feed_poll(feed: OpinionFeed, client: httpx.Client) -> PollReport:
    """Fetch one feed and take in its new items; the outcome is also saved on the feed (last_error)."""
    report = PollReport(feed=feed)
    try:
        for item in feed_items(feed, feed_fetch(client, feed.url)):
            _take(feed, item, report)
    except FeedError as error:
        report.error = str(error)
    if report.skipped and not report.error:
        report.error = _("%(count)d 条条目无法读取，已跳过") % {"count": report.skipped}
    OpinionFeed.objects.filter(pk=feed.pk).update(last_error=report.error[:ERROR_MAX])
    return report


def _take(feed: OpinionFeed, item: FeedItem | MalformedItem, report: PollReport) -> None:
    if isinstance(item, MalformedItem):
        report.skipped += 1
        return
    try:
        created = item_to_case(feed, item)
    except HuyingError:  # refused by case_create (it rolled itself back): this item only
        report.skipped += 1
        return
    if created:
        report.created += 1
    else:
        report.seen += 1


def feeds_poll_due(*, client: httpx.Client, now: dt.datetime | None = None) -> list[PollReport]:
    """Poll every active feed that is due; one feed's failure, whatever it is, never stops the others."""
    now = now or timezone.now()
    reports = []
    for feed in OpinionFeed.objects.filter(active=True).select_related("request_type", "category").order_by("pk"):
        if not feed_is_due(feed, now) or not feed_claim(feed, now):
            continue
        try:
            reports.append(feed_poll(feed, client))
        except Exception as error:  # a bug or a database hiccup in one feed: recorded, and the round goes on
            logger.exception("opinion feed %s failed", feed.pk)
            message = f"{type(error).__name__}: {error}"[:ERROR_MAX]
            OpinionFeed.objects.filter(pk=feed.pk).update(last_error=message)
            reports.append(PollReport(feed=feed, error=message))
    return reports
