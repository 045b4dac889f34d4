"""A staff member's inbox (站内信): reads of their own messages only, and marking them read.

Every function takes the reader and filters on them first: nobody can read, count or mark another user's
messages through this module. Paging is keyset (the last row's time and id), like the work queues.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.lib.errors import NotFound
from huying.notify.models import InboxMessage
from huying.notify.templates import message_render
from huying.org.models import User

PAGE_SIZE = 50
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class BadCursor(ValueError):
    pass


@dataclass
class InboxPage:
    messages: list[InboxMessage]
    next_cursor: str | None


def _own(user: User) -> QuerySet[InboxMessage]:
    return InboxMessage.objects.filter(user=user)


def inbox_unread_count(user: User, *, cap: int | None = None) -> int:
    """How many unread messages the user has; with `cap`, counting stops at cap + 1 (enough to show "99+").

    One query over the partial index inbox_user_unread; the cap keeps it cheap for someone with thousands.
    """
    unread = _own(user).filter(read_at__isnull=True).order_by()  # no ORDER BY: any cap + 1 rows will do
    return unread[: cap + 1].count() if cap is not None else unread.count()


def _micros(value: dt.datetime) -> int:
    return (value - EPOCH) // dt.timedelta(microseconds=1)


def _cursor(message: InboxMessage) -> str:
    return f"{_micros(message.created_at)}_{message.pk}"


def _after(qs: QuerySet[InboxMessage], cursor: str) -> QuerySet[InboxMessage]:
    """The rows after the cursor's row in newest-first order; BadCursor when it cannot be read."""
    parts = cursor.split("_")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
        raise BadCursor(cursor)  # 18 digits always fit the database's bigint
    micros, pk = int(parts[0]), int(parts[1])
    try:
        at = EPOCH + dt.timedelta(microseconds=micros)
    except OverflowError as exc:  # after the year 9999
        raise BadCursor(cursor) from exc
    # The plain `created_at <= at` lets the database walk the (user, -created_at) index from the cursor on.
    return qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk), created_at__lte=at)


def inbox_page(user: User, *, unread_only: bool = False, after: str | None = None,
               size: int = PAGE_SIZE) -> InboxPage:
    """One page of the user's messages, newest first, after the cursor `after` (BadCursor if unreadable)."""
    qs = _own(user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if after:
        qs = _after(qs, after)
    rows = list(qs.select_related("notification", "case")
                .only("created_at", "read_at", "user_id", "notification__template", "notification__context",
                      "case__number")
                .order_by("-created_at", "-pk")[: size + 1])
    return InboxPage(rows[:size], _cursor(rows[size - 1]) if len(rows) > size else None)


def inbox_message(user: User, message_id: int) -> InboxMessage:
    """The user's own message; NotFound for anyone else's (an inbox never reveals that another one exists)."""
    message = _own(user).select_related("case").only("read_at", "user_id", "case__number").filter(
        pk=message_id).first()
    if message is None:
        raise NotFound(_("消息不存在"), code="message_not_found")
    return message


def inbox_text(message: InboxMessage, language: str) -> str | None:
    """The message in `language` (the reader's, not the one it was queued in); None when it cannot be built.

    An administrator may have edited the wording into something that no longer formats (a stray brace, a
    placeholder this message lacks); one such message must not take the whole inbox down with it.
    """
    notification = message.notification
    try:
        return message_render(notification.template, {**notification.context, "language": language})
    except (KeyError, ValueError, IndexError, AttributeError, TypeError):
        return None


def inbox_mark_read(*, user: User, ids: Collection[int]) -> int:
    """Mark these of the user's messages read (others' ids are ignored); returns how many changed."""
    return _own(user).filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


def inbox_mark_all_read(*, user: User) -> int:
    """Mark every unread message of the user read; returns how many changed."""
    return _own(user).filter(read_at__isnull=True).update(read_at=timezone.now())
