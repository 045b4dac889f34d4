"""What a queue row shows about a case: its link, running deadline with countdown, and flags (标记).

The reporter's name and phone are never part of a row: the case page shows them, masked unless needed.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huying.cases.models import Case, CaseEvent, Channel, Urgency
from huying.cases.overdue import current_deadline
from huying.cases.workflow import ACTIVE, Status
from huying.workbench.queues.tabs import DUE_SOON

# What a row reads of a case and its units: `only()` these, the rest of the wide row stays in the database.
ROW_FIELDS = ("number", "title", "channel", "status", "urgency", "address", "created_at", "responded_at",
              "response_due_at", "completion_due_at", "resolved_at", "supervised_at", "business", "proactive",
              "exclusion", "exclusion_requested", "category__name",
              "category__name_en", "street__name", "street__name_en", "community__name", "community__name_en",
              "grid__name", "grid__name_en", "current_unit__name", "current_unit__name_en")
ROW_RELATED = ("category", "street", "community", "grid", "current_unit")


def case_url(number: str) -> str:
    try:
        return reverse("work:case", args=[number])
    except NoReverseMatch:  # the case page is another part of the console; its path is fixed
        return f"/work/cases/{number}/"


def _case_urls():
    """case_url for many numbers at the cost of one reverse()."""
    head, _sep, tail = case_url("0").rpartition("0")
    return lambda number: f"{head}{number}{tail}"


def duration_text(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 24 * 60:
        days = minutes // (24 * 60)
        return ngettext("%(n)d天", "%(n)d天", days) % {"n": days}
    if minutes >= 60:
        return _("%(h)d小时%(m)d分") % {"h": minutes // 60, "m": minutes % 60}
    return _("%(m)d分钟") % {"m": max(minutes, 0)}


@dataclass
class Labels:
    """Display names of a request's language, looked up once: get_FOO_display() per row and column translates
    every choice each time, which cost more than the whole query on a 50-row page."""

    status: dict[str, str]
    channel: dict[str, str]
    urgency: dict[str, str]

    @classmethod
    def now(cls) -> "Labels":
        return cls(*({k: str(v) for k, v in choices} for choices in (Status.choices, Channel.choices,
                                                                    Urgency.choices)))


@dataclass
class Row:
    case: Case
    url: str
    status: str = ""
    channel: str = ""
    urgency: str = ""
    due: dt.datetime | None = None
    due_iso: str = ""
    due_short: str = ""
    due_class: str = ""
    due_text: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def emergency(self) -> bool:
        return self.case.urgency == Urgency.EMERGENCY


def row_of(case: Case, now: dt.datetime, instructed: set[int], labels: Labels, url=case_url) -> Row:
    row = Row(case, url(case.number), labels.status.get(case.status, case.status),
              labels.channel.get(case.channel, case.channel), labels.urgency.get(case.urgency, case.urgency))
    if case.status in ACTIVE:
        row.due = current_deadline(case)
    if row.due is not None:
        local = timezone.localtime(row.due)
        row.due_iso, row.due_short = local.isoformat(), local.strftime("%m-%d %H:%M")
        left = row.due - now
        if left < dt.timedelta(0):
            row.due_class, row.due_text = "overdue", _("超时 %(t)s") % {"t": duration_text(-left)}
        else:
            row.due_class = "due-soon" if left < DUE_SOON else ""
            row.due_text = _("剩余 %(t)s") % {"t": duration_text(left)}
    row.flags = [label for on, label in (
        (case.supervised_at is not None, _("督办")), (case.business, _("企业")),
        (case.proactive, _("主动发现")), (case.pk in instructed, _("批示")),
        (bool(case.exclusion_requested), _("核减待审批")), (bool(case.exclusion), _("已核减")),
    ) if on]
    return row


def rows_of(cases: list[Case], now: dt.datetime) -> list[Row]:
    """Rows for a page of cases: one query for the instruction flags (批示), whatever the page's length."""
    ids = [c.pk for c in cases]
    instructed = set(CaseEvent.objects.filter(case_id__in=ids, action="instruct").values_list("case_id", flat=True)
                     ) if ids else set()
    labels, url = Labels.now(), _case_urls()
    return [row_of(case, now, instructed, labels, url) for case in cases]
