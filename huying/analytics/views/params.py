"""What the rates pages read from their URL: the period, the period rule, and the choices of each page.

A value that cannot be read falls back to the default and says so, naming the field, in the page's notice
(never a 500): a bookmarked or hand-typed link still opens.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.models import MeasureSettings, PeriodBasis
from huying.analytics.rates import MONTH, QUARTER, YEAR, Period
from huying.analytics.selectors import METRICS, RANKING_KINDS, STREET

MONTHS_OFFERED, QUARTERS_OFFERED, YEARS_OFFERED = 13, 5, 3


def default_period(today: dt.date) -> Period:
    """The last full month (上月): this month's figures are still moving."""
    return Period.month_of(today).previous()


@dataclass
class RatesQuery:
    period: Period
    basis: str
    problems: list[str] = field(default_factory=list)


def rates_query(params: QueryDict, settings: MeasureSettings) -> RatesQuery:
    """The period (`period=2026-03|2026-Q1|2026`) and the period rule (`basis=created|resolved`)."""
    query = RatesQuery(default_period(timezone.localdate()), settings.period_basis)
    text = params.get("period", "").strip()
    if text:
        try:
            query.period = Period.parse(text)
        except ValueError:
            query.problems.append(_("统计周期：无法识别“%(value)s”，请按 2026-03、2026-Q1 或 2026 的格式填写，"
                                    "已显示上月") % {"value": text[:20]})
    basis = params.get("basis", "")
    if basis in PeriodBasis.values:
        query.basis = basis
    elif basis:
        query.problems.append(_("统计口径：无法识别“%(value)s”，已按默认口径统计") % {"value": basis[:20]})
    return query


def choice(params: QueryDict, name: str, allowed: dict, default: str, label: str, problems: list[str]) -> str:
    """One value of a fixed list (`kind`, `metric`), or the default with a notice naming the field."""
    value = params.get(name, "")
    if value in allowed:
        return value
    if value:
        problems.append(_("%(label)s：无法识别“%(value)s”，已显示默认内容") % {"label": label, "value": value[:20]})
    return default


def ranking_kind(params: QueryDict, problems: list[str]) -> str:
    return choice(params, "kind", RANKING_KINDS, STREET, _("榜单类型"), problems)


def metric_of(params: QueryDict, problems: list[str]) -> str:
    return choice(params, "metric", METRICS, "cases", _("指标"), problems)


def unit_id_of(params: QueryDict, problems: list[str]) -> int | None:
    """The `unit` asked for: None when absent (the viewer's own) or unreadable (with a notice)."""
    text = params.get("unit", "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) < 12:
        return int(text)
    problems.append(_("单位：无法识别“%(value)s”，已显示本单位") % {"value": text[:20]})
    return None


def page_number(params: QueryDict) -> str:
    return params.get("page", "1")


def period_options(today: dt.date, chosen: Period) -> list[tuple[str, str]]:
    """(value, label) of the periods offered in the picker: recent months, quarters and years, and the chosen."""
    month = Period.month_of(today)
    periods = [month]
    for _i in range(MONTHS_OFFERED - 1):
        periods.append(periods[-1].previous())
    quarter = Period(QUARTER, today.year, (today.month - 1) // 3 + 1)
    periods += [quarter]
    for _i in range(QUARTERS_OFFERED - 1):
        periods.append(periods[-1].previous())
    periods += [Period(YEAR, today.year - i) for i in range(YEARS_OFFERED)]
    if chosen not in periods:
        periods.append(chosen)
    return [(str(p), period_label(p)) for p in periods]


def period_label(period: Period) -> str:
    if period.kind == MONTH:
        return _("%(year)d年%(month)d月") % {"year": period.year, "month": period.number}
    if period.kind == QUARTER:
        return _("%(year)d年第%(quarter)d季度") % {"year": period.year, "quarter": period.number}
    return _("%(year)d年") % {"year": period.year}
