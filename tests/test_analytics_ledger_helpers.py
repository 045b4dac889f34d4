"""Shared steps for the three rates' tests: local moments, a case handled through the services, the worker's pass,
and the measure and rollup rows it leaves."""

import datetime as dt
from zoneinfo import ZoneInfo

from huying.analytics.models import COUNTERS, CaseMeasure, UnitRollup
from huying.analytics.refresh import measures_refresh_all
from huying.cases import services as svc
from huying.cases.models import Case
from huying.feedback.models import Rating
from huying.feedback.services import rating_create
from huying.org.models import Unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def handled(cast, case: Case) -> Case:
    """The community signs for the sanitation case and reports its result (签收, 办结)."""
    svc.case_accept(case=case, by=cast.community_staff)
    svc.case_resolve(case=case, by=cast.community_staff, result="垃圾已清运")
    return case


def rated(case: Case, satisfaction: int = 5, solved: bool = True) -> Rating:
    """The resident's rating of the current round (一事一评)."""
    return rating_create(case=case, responsiveness=5, completion=5, satisfaction=satisfaction, solved=solved)


def measure(case: Case) -> CaseMeasure:
    """The worker's pass, then the case's measure as stored."""
    measures_refresh_all()
    return CaseMeasure.objects.get(pk=case.pk)


def rollup(unit: Unit, month: int, basis: str = "created") -> dict[str, int]:
    """The worker's pass, then the stored counters of `unit` in `month` (zeros where there is no row)."""
    measures_refresh_all()
    row = UnitRollup.objects.filter(unit=unit, month=month, basis=basis).values(*COUNTERS).first()
    return row or dict.fromkeys(COUNTERS, 0)


def counters(**nonzero: int) -> dict[str, int]:
    """A full row of counters: the given ones, zero elsewhere."""
    assert set(nonzero) <= set(COUNTERS)
    return {**dict.fromkeys(COUNTERS, 0), **nonzero}
