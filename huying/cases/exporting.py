"""Cases exported for analysis (分析导出): one row a case, to CSV (streamed) or Excel (write-only), no one named.

An analyst counts and compares; they never need to reach the resident. So the reporter's name and phone are
never written: the phone becomes a caller key (来电人标识, an HMAC under SECRET_KEY) that counts repeat callers
without the number, and phones, ID numbers and plates inside the title, description and address are masked.
The key changes when SECRET_KEY does: compare repeat callers within exports made under one key.
Every export is written to the audit log (logger "huying.audit"): who, what filter, how many rows.
"""

import csv
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from huying.cases.models import Case, Channel, Urgency
from huying.cases.overdue import TIMED
from huying.cases.workflow import Status
from huying.lib.pii import caller_key, pii_mask, public_text

audit = logging.getLogger("huying.audit")

FORMATS = ("xlsx", "csv")
EXPORT_RELATED = ("request_type", "category", "tier", "street", "community", "grid", "current_unit")
# What a row reads: `only()` these; the reporter's name is not even fetched.
EXPORT_FIELDS = (
    "number", "created_at", "channel", "urgency", "status", "title", "description", "address", "reporter_phone",
    "business", "proactive", "reopen_count", "dispatched_at", "responded_at", "resolved_at", "closed_at",
    "response_due_at", "completion_due_at",
    *(f"{rel}__{name}" for rel in EXPORT_RELATED for name in ("name", "name_en")), "category__code", "tier__code",
)
CHUNK = 2000  # rows fetched at a time: memory stays flat however many cases are exported
# A cell that starts like a formula would be run by the spreadsheet that opens a CSV (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Context:
    """What every row needs besides the case, looked up once per export: translating a label or finding the time
    zone per cell cost more than the query."""

    now: dt.datetime
    secret: str
    labels: dict[str, dict[str, str]]
    zone: dt.tzinfo
    english: bool
    yes_no: tuple[str, str]

    @classmethod
    def current(cls) -> "Context":
        labels = {name: {k: str(v) for k, v in choices.choices}
                  for name, choices in (("status", Status), ("channel", Channel), ("urgency", Urgency))}
        return cls(timezone.now(), settings.SECRET_KEY, labels, timezone.get_current_timezone(),
                   get_language() == "en", (gettext("是"), gettext("否")))

    def local(self, value: dt.datetime | None) -> dt.datetime | None:
        """Local wall time without a zone: what a spreadsheet can store (Excel has no time zones)."""
        return value.astimezone(self.zone).replace(tzinfo=None, microsecond=0) if value else None

    def name(self, thing: Any) -> str:
        """The name in the reader's language (LocalNamed.local_name, without asking for the language each time)."""
        if thing is None:
            return ""
        return thing.name_en if self.english and thing.name_en else thing.name

    def yes(self, value: bool) -> str:
        return self.yes_no[0] if value else self.yes_no[1]


def response_late(case: Case, now: dt.datetime) -> bool:
    """响应超时: accepted after the response deadline, or still not accepted past it while a unit holds it."""
    if case.response_due_at is None:
        return False
    answered = case.responded_at or (now if case.status in TIMED else None)
    return answered is not None and answered > case.response_due_at


def completion_late(case: Case, now: dt.datetime) -> bool:
    """办结超时: resolved after the completion deadline, or still in hand past it."""
    if case.completion_due_at is None or case.responded_at is None:
        return False
    done = case.resolved_at or (now if case.status in TIMED else None)
    return done is not None and done > case.completion_due_at


@dataclass(frozen=True)
class Column:
    heading: Promise
    value: Callable[[Case, Context], Any]


COLUMNS = (
    Column(_("工单编号"), lambda c, x: c.number),
    Column(_("创建时间"), lambda c, x: x.local(c.created_at)),
    Column(_("来源渠道"), lambda c, x: x.labels["channel"].get(c.channel, c.channel)),
    Column(_("诉求类型"), lambda c, x: x.name(c.request_type)),
    Column(_("分类编码"), lambda c, x: c.category.code if c.category else ""),
    Column(_("诉求分类"), lambda c, x: x.name(c.category)),
    Column(_("紧急程度"), lambda c, x: x.labels["urgency"].get(c.urgency, c.urgency)),
    Column(_("响应分级"), lambda c, x: c.tier.code if c.tier else ""),
    Column(_("街道"), lambda c, x: x.name(c.street)),
    Column(_("社区"), lambda c, x: x.name(c.community)),
    Column(_("网格"), lambda c, x: x.name(c.grid)),
    Column(_("状态"), lambda c, x: x.labels["status"].get(c.status, c.status)),
    Column(_("当前承办单位"), lambda c, x: x.name(c.current_unit)),
    Column(_("派单时间"), lambda c, x: x.local(c.dispatched_at)),
    Column(_("响应时间"), lambda c, x: x.local(c.responded_at)),
    Column(_("办结时间"), lambda c, x: x.local(c.resolved_at)),
    Column(_("归档时间"), lambda c, x: x.local(c.closed_at)),
    Column(_("响应时限"), lambda c, x: x.local(c.response_due_at)),
    Column(_("办结时限"), lambda c, x: x.local(c.completion_due_at)),
    Column(_("响应超时"), lambda c, x: x.yes(response_late(c, x.now))),
    Column(_("办结超时"), lambda c, x: x.yes(completion_late(c, x.now))),
    Column(_("企业诉求"), lambda c, x: x.yes(c.business)),
    Column(_("主动发现"), lambda c, x: x.yes(c.proactive)),
    Column(_("重办次数"), lambda c, x: c.reopen_count),
    Column(_("来电人标识"), lambda c, x: caller_key(c.reporter_phone, secret=x.secret)),
    Column(_("标题"), lambda c, x: public_text(c.title)),
    Column(_("诉求内容"), lambda c, x: public_text(c.description)),
    Column(_("地址"), lambda c, x: pii_mask(c.address)),
)


def export_queryset(qs: QuerySet[Case]) -> QuerySet[Case]:
    """`qs` with the joins and columns a row needs, and nothing else."""
    return qs.select_related(*EXPORT_RELATED).only(*EXPORT_FIELDS)


def export_headings() -> list[str]:
    return [str(column.heading) for column in COLUMNS]


def export_rows(cases: Iterable[Case], context: Context | None = None) -> Iterator[list[Any]]:
    context = context or Context.current()
    for case in cases:
        yield [column.value(case, context) for column in COLUMNS]


def _cases(qs: QuerySet[Case]) -> Iterator[Case]:
    return export_queryset(qs).iterator(chunk_size=CHUNK)


class _Line:
    """A file-like object whose write() returns the text: csv.writer then yields one line at a time."""

    def write(self, text: str) -> str:
        return text


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value  # shown as text, never run as a formula
    return value


def csv_lines(qs: QuerySet[Case]) -> Iterator[str]:
    """The export as CSV lines, a byte-order mark first (Excel then reads the Chinese as UTF-8)."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(export_headings())
    for row in export_rows(_cases(qs)):
        yield writer.writerow([_csv_cell(value) for value in row])


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters that the file format cannot hold
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula; a resident's text is always text
    return cell


def xlsx_write(qs: QuerySet[Case], target: str | IO[bytes]) -> int:
    """Write the export as an Excel workbook (write-only: rows go to disk as they come); the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext("工单"))
    sheet.append(export_headings())
    count = 0
    for row in export_rows(_cases(qs)):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    book.save(target)
    return count


def export_audit(*, actor: str, fmt: str, rows: int, filters: dict[str, Any]) -> None:
    """One audit line for an export (审计): who took how many cases, in what format, under which filter."""
    chosen = {name: value for name, value in filters.items() if value not in (None, "", False)}
    audit.info("cases_export actor=%s format=%s rows=%d filters=%s", actor, fmt, rows,
               json.dumps(chosen, ensure_ascii=False, sort_keys=True, default=str))
