"""The trends page (趋势分析) and its Excel export: the filters, then the report of huying.analytics.trends."""

import datetime as dt
import json
import logging
import tempfile
from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from huying.analytics.trends import (
    DAY,
    DEFAULT_DAYS,
    MAX_DAYS,
    PERCENTILES,
    REPEAT_MIN,
    WEEK,
    TrendFilters,
    TrendsReport,
    duration_text,
    trends_report,
    trends_tables,
    viewer_scope,
)
from huying.cases.models import Channel
from huying.catalog.models import Category, RequestType
from huying.org.access import role_required, staff_of
from huying.org.models import Role, Unit, UnitKind, User

audit = logging.getLogger("huying.audit")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_ITEMS = 8  # lines drawn per chart; the rest are summed as 其他 (the table lists them all)
# Dates the page accepts: older than any case here, or further ahead than a year, is a typing slip — and at the ends
# of the calendar (0001-01-01, 9999-12-31) the date arithmetic below would overflow.
FIRST_DAY, DAYS_AHEAD = dt.date(2000, 1, 1), 366


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.local_name


class TrendFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": gettext_lazy("请输入有效日期，例如 2026-09-01")})
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": gettext_lazy("请输入有效日期，例如 2026-09-30")})
    interval = forms.ChoiceField(label=gettext_lazy("统计粒度"), required=False,
                                 choices=[(DAY, gettext_lazy("按日")), (WEEK, gettext_lazy("按周"))],
                                 error_messages={"invalid_choice": gettext_lazy("只能按日或按周统计")})
    category = NamedChoice(label=gettext_lazy("诉求分类"), required=False, to_field_name="code",
                           empty_label=gettext_lazy("全部分类"),
                           queryset=Category.objects.filter(level=1, active=True).order_by("sort", "code"),
                           error_messages={"invalid_choice": gettext_lazy("没有这个一级分类")})
    channel = forms.ChoiceField(label=gettext_lazy("来源渠道"), required=False,
                                choices=[("", gettext_lazy("全部渠道")), *Channel.choices],
                                error_messages={"invalid_choice": gettext_lazy("没有这个来源渠道")})
    request_type = NamedChoice(label=gettext_lazy("诉求类型"), required=False, to_field_name="code",
                               empty_label=gettext_lazy("全部类型"), queryset=RequestType.objects.all(),
                               error_messages={"invalid_choice": gettext_lazy("没有这个诉求类型")})
    street = NamedChoice(label=gettext_lazy("街道"), required=False, to_field_name="code",
                         empty_label=gettext_lazy("全部街道"), queryset=Unit.objects.none(),
                         error_messages={"invalid_choice": gettext_lazy("没有这个街道，或不在您的管辖范围内")})
    repeat_min = forms.IntegerField(label=gettext_lazy("重复来电（件数≥）"), required=False, min_value=2,
                                    max_value=100, widget=forms.NumberInput(attrs={"placeholder": REPEAT_MIN}),
                                    error_messages={"invalid": gettext_lazy("请输入整数"),
                                                    "min_value": gettext_lazy("不能小于 %(limit_value)s"),
                                                    "max_value": gettext_lazy("不能大于 %(limit_value)s")})

    def __init__(self, data: QueryDict, *, user: User) -> None:
        if not data.get("date_from") and not data.get("date_to"):  # the inputs show the default range in use
            default = TrendFilters.default()
            data = data.copy()
            data["date_from"], data["date_to"] = default.start.isoformat(), default.end.isoformat()
        super().__init__(data)
        scope = viewer_scope(user)  # only the streets of the viewer's own scope can be chosen
        streets = Unit.objects.filter(kind=UnitKind.STREET, active=True, path__startswith=scope or "")
        street = self.fields["street"]
        assert isinstance(street, forms.ModelChoiceField)
        street.queryset = streets.order_by("code") if scope is not None else Unit.objects.none()

    def clean_date_from(self) -> dt.date | None:
        return _within_bounds(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> dt.date | None:
        return _within_bounds(self.cleaned_data.get("date_to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error("date_from", _("统计区间不能超过 %(days)s 天") % {"days": MAX_DAYS})
        return data

    def filters(self) -> TrendFilters:
        """The valid form as filters; with one date only, 90 days from it (not past today) or up to it."""
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        span = dt.timedelta(days=DEFAULT_DAYS - 1)
        if start and not end:
            end = max(start, min(start + span, timezone.localdate()))
        end = end or timezone.localdate()
        return TrendFilters(
            start=start or end - span, end=end, interval=data.get("interval") or DAY, category=data.get("category"),
            channel=data.get("channel") or "", request_type=data.get("request_type"), street=data.get("street"),
            repeat_min=data.get("repeat_min") or REPEAT_MIN,
        )

    def problems(self) -> list[str]:
        """Every error as "field: message", for the top of the page and the 400 answer."""
        return [_("%(label)s：%(message)s") % {"label": self.fields[name].label, "message": message}
                if name in self.fields else str(message)
                for name, messages in self.errors.items() for message in messages]


def _within_bounds(day: dt.date | None) -> dt.date | None:
    last = timezone.localdate() + dt.timedelta(days=DAYS_AHEAD)
    if day is not None and not FIRST_DAY <= day <= last:
        raise forms.ValidationError(_("日期须在 %(first)s 至 %(last)s 之间") % {
            "first": FIRST_DAY.isoformat(), "last": last.isoformat()}, code="out_of_range")
    return day


ALL_ROLES = tuple(Role.values)


@never_cache
@require_GET
@role_required(ALL_ROLES)
def trends_page(request: HttpRequest) -> HttpResponseBase:
    user = staff_of(request)
    form = TrendFilterForm(request.GET, user=user)
    if not form.is_valid():
        return render(request, "analytics/trends/trends.html", {"form": form, "problems": form.problems()},
                      status=400)
    report = trends_report(user, form.filters())
    return render(request, "analytics/trends/trends.html", {
        "form": form, "report": report, "charts": chart_data(report), "durations": duration_rows(report),
        "export_query": request.GET.urlencode(),
    })


@never_cache
@require_GET
@role_required(ALL_ROLES)
def trends_export(request: HttpRequest) -> HttpResponseBase:
    user = staff_of(request)
    form = TrendFilterForm(request.GET, user=user)
    if not form.is_valid():
        return render(request, "analytics/trends/trends.html", {"form": form, "problems": form.problems()},
                      status=400)
    filters = form.filters()
    report = trends_report(user, filters)
    audit.info("trends_export actor=user:%s:%s role=%s unit=%s filters=%s", user.pk, user.get_username(),
               user.role or "-", user.unit.code if user.unit else "-",
               json.dumps({k: v for k, v in request.GET.items() if v}, ensure_ascii=False, sort_keys=True))
    target = tempfile.TemporaryFile()  # FileResponse closes it when the download ends
    workbook_of(report).save(target)
    target.seek(0)
    name = f"huying-trends-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.xlsx"
    return FileResponse(target, as_attachment=True, filename=name, content_type=XLSX_TYPE)


def workbook_of(report: TrendsReport) -> Workbook:
    """The page's tables, a sheet each, after a sheet saying what was counted."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = _("说明")
    f = report.filters
    for row in ([_("统计区间"), f"{f.start:%Y-%m-%d} – {f.end:%Y-%m-%d}"],
                [_("诉求分类"), f.category.local_name if f.category else _("全部")],
                [_("来源渠道"), str(Channel(f.channel).label) if f.channel else _("全部")],
                [_("诉求类型"), f.request_type.local_name if f.request_type else _("全部")],
                [_("街道"), f.street.local_name if f.street else _("全部")],
                [_("诉求总量"), report.total],
                [_("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"]):
        first.append(row)
    for table in trends_tables(report):
        sheet = book.create_sheet(table.title[:31])  # Excel's limit on a sheet name
        sheet.append(table.headings)
        for values in table.rows:
            sheet.append([_cell(v) for v in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # a unit or category name is text, never a formula
    return book


def _cell(value: Any) -> Any:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def chart_data(report: TrendsReport) -> dict[str, Any]:
    """What the chart script draws: each breakdown's biggest groups per bucket, the rest summed as 其他."""
    def lines(items: list) -> list[dict[str, Any]]:
        shown = [{"name": i.name, "counts": i.counts} for i in items[:CHART_ITEMS]]
        if len(items) > CHART_ITEMS:
            shown.append({"name": _("其他"), "counts": [sum(c) for c in zip(*(i.counts for i in items[CHART_ITEMS:]),
                                                                          strict=True)]})
        return shown

    return {
        "buckets": report.bucket_labels(),
        "breakdowns": {b.key: lines(b.items) for b in report.breakdowns},
        "durations": {name: {"labels": [label for label, _n in d.histogram], "counts": [n for _l, n in d.histogram]}
                      for name, d in (("response", report.response), ("completion", report.completion))},
        "labels": {"cases": _("件数"), "empty": _("暂无数据")},
    }


def duration_rows(report: TrendsReport) -> list[dict[str, Any]]:
    return [{"key": key, "name": name, "count": d.count, "mean": duration_text(d.mean),
             "percentiles": [(f"P{p}", duration_text(d.percentiles.get(p))) for p in PERCENTILES]}
            for key, name, d in (("response", _("首次响应用时"), report.response),
                                 ("completion", _("办结用时"), report.completion))]
