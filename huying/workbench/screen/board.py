"""The screen's JSON (大屏数据): the figures of `stats` with their labels, in the user's language."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from huying.analytics.models import PeriodBasis
from huying.cases.models import Case, Channel
from huying.cases.overdue import running_deadline
from huying.cases.workflow import Status
from huying.catalog.models import Category
from huying.org.models import Unit
from huying.workbench.screen.stats import (
    DIMENSIONS,
    LedgerRates,
    Periods,
    area_cases,
    counts_by,
    emergencies_latest,
    ledger_rates,
    live_counts,
    overdue_latest,
)

TOP_CATEGORIES = 10
TITLE_CHARS = 30


def board(scope: str, now: dt.datetime) -> dict:
    """Everything the screen shows for the area under `scope`, as of `now`.

    `rates` holds the ledger's response, solved and satisfied rates and the composite score of this month (each
    {"value": 0–100 or None, "text", and for the three rates "numerator" and "denominator"}), and under "period"
    the label of the month and period rule they are read by (its "text" is refreshed like a rate's).
    """
    periods = Periods.at(now)
    cases = area_cases(scope)
    counts = {dim: counts_by(cases, dim, periods) for dim in DIMENSIONS}
    counts["category"] = counts["category"][:TOP_CATEGORIES]
    channel = counts["channel"]
    return {
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "totals": {"today": sum(r[1] for r in channel), "month": sum(r[2] for r in channel),
                   **live_counts(cases, now)},
        "breakdowns": {dim: _series(rows, _labeller(dim, rows)) for dim, rows in counts.items()},
        "rates": _rates(ledger_rates(scope, now)),
        "overdue": [_overdue_row(c, now) for c in overdue_latest(cases, now)],
        "emergencies": [_emergency_row(c) for c in emergencies_latest(cases)],
    }


def _series(rows: list[tuple[object, int, int]], label) -> dict:
    return {"labels": [label(key) for key, _t, _m in rows], "today": [t for _k, t, _m in rows],
            "month": [m for _k, _t, m in rows]}


def _labeller(dimension: str, rows: list[tuple[object, int, int]]):
    """key → label for one breakdown; names of categories and streets in one query each."""
    if dimension == "channel":
        channels = dict(Channel.choices)
        return lambda key: str(channels.get(key, key))
    if dimension == "status":
        statuses = dict(Status.choices)
        return lambda key: str(statuses.get(key, key))
    model: type[Category] | type[Unit] = Category if dimension == "category" else Unit
    found = model.objects.filter(pk__in=[k for k, _t, _m in rows if k is not None]).only("pk", "name", "name_en")
    names = {row.pk: row.local_name for row in found}
    missing = _("未分类") if dimension == "category" else _("未定位")
    return lambda key: names.get(key, missing) if key is not None else missing


def _rates(ledger: LedgerRates) -> dict:
    counts, rates = ledger.counts, ledger.rates
    satisfied = counts.satisfied + ledger.basic_weight * counts.basic  # 基本满意 by its configured weight
    period = _("%(period)s · %(basis)s") % {"period": ledger.period, "basis": PeriodBasis(ledger.basis).label}
    return {
        "period": {"value": str(ledger.period), "text": period},
        "response": _rate(rates.response, counts.response_on_time, counts.response_due),
        "solved": _rate(rates.solved, counts.solved, counts.evaluated),
        "satisfied": _rate(rates.satisfied, _number(satisfied), counts.evaluated),
        "composite": {"value": rates.composite, "text": _shown(rates.composite, "")},
    }


def _rate(value: float | None, numerator: int | float, denominator: int) -> dict:
    return {"value": value, "text": _shown(value, "%"), "numerator": numerator, "denominator": denominator}


def _shown(value: float | None, unit: str) -> str:
    """One decimal; a dash when nothing was due (never 0 % and never a division by zero)."""
    return "—" if value is None else f"{value:.1f}{unit}"


def _number(value: Decimal) -> int | float:
    """A count that a fractional 基本满意 weight may have made fractional: 7, or 6.5."""
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def _when(at: dt.datetime | None) -> str:
    return timezone.localtime(at).strftime("%m-%d %H:%M") if at else ""


def _late(now: dt.datetime, due: dt.datetime) -> str:
    minutes = max(int((now - due).total_seconds() // 60), 0)
    if minutes < 60:
        return ngettext("超期%(n)d分钟", "超期%(n)d分钟", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("超期%(n)d小时", "超期%(n)d小时", hours) % {"n": hours}
    days = hours // 24
    return ngettext("超期%(n)d天", "超期%(n)d天", days) % {"n": days}


def _overdue_row(case: Case, now: dt.datetime) -> dict:
    due = running_deadline(case)
    assert due is not None  # overdue_latest selects only cases past a running deadline
    unit = case.current_unit.local_name if case.current_unit else ""
    return {"number": case.number, "title": case.title[:TITLE_CHARS], "unit": unit,
            "due": _when(due), "late": _late(now, due)}


def _emergency_row(case: Case) -> dict:
    place = case.grid or case.street
    return {"number": case.number, "title": case.title[:TITLE_CHARS], "status": case.get_status_display(),
            "place": str(place or ""), "unit": str(case.current_unit or ""), "created": _when(case.created_at)}


def scope_name(scope: str) -> str:
    unit = Unit.objects.filter(path=scope).only("name", "name_en").first() if scope else None
    return unit.local_name if unit else _("全部区域")

