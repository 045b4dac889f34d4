"""The staff inbox (站内信, /work/inbox/): my messages, newest first, read in my language; opening one reads it."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from huying.lib.errors import NotFound
from huying.notify.inbox import BadCursor, inbox_mark_all_read, inbox_mark_read, inbox_message, inbox_page, inbox_text
from huying.notify.models import InboxMessage
from huying.workbench.access import staff, staff_required

SHOWS = ("all", "unread")


@dataclass
class Row:
    message: InboxMessage
    text: str | None  # None: the template could not be rendered; the page shows its code instead


@never_cache  # a new message may arrive at any moment
@require_GET
@staff_required()
def inbox(request: HttpRequest) -> HttpResponseBase:
    user, problems = staff(request), []
    show = request.GET.get("show") if request.GET.get("show") in SHOWS else "all"
    try:
        page = inbox_page(user, unread_only=show == "unread", after=request.GET.get("after") or None)
    except BadCursor:
        problems.append(_("分页位置：无法识别，已回到第一页"))
        page = inbox_page(user, unread_only=show == "unread")
    language = translation.get_language() or "zh-hans"  # the reader's language, not the one it was queued in
    return render(request, "workbench/inbox/inbox.html", {
        "rows": [Row(m, inbox_text(m, language)) for m in page.messages], "show": show, "problems": problems,
        "shows": [("all", _("全部")), ("unread", _("未读"))],
        "next_url": f"?show={show}&after={page.next_cursor}" if page.next_cursor else None,
        "first_url": f"?show={show}" if request.GET.get("after") else None,
    })


@require_POST
@staff_required()
def open_message(request: HttpRequest, message_id: int) -> HttpResponseBase:
    """Mark the message read, then go to its case (or back to the inbox when it concerns none)."""
    user = staff(request)
    try:
        message = inbox_message(user, message_id)
    except NotFound as exc:  # another user's message looks exactly like one that does not exist
        raise Http404 from exc
    inbox_mark_read(user=user, ids=[message.pk])
    if message.case is None:
        return redirect(_back(request))
    return redirect("work:case", number=message.case.number)


@require_POST
@staff_required()
def read_all(request: HttpRequest) -> HttpResponseBase:
    changed = inbox_mark_all_read(user=staff(request))
    done = ngettext("已全部标为已读（%(n)d 条）", "已全部标为已读（%(n)d 条）", changed) % {"n": changed}
    messages.success(request, done)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """The inbox again, on the same filter (only the known values are kept: never an arbitrary URL)."""
    show = request.POST.get("show")
    return reverse("work:inbox") + (f"?show={show}" if show in SHOWS and show != "all" else "")
