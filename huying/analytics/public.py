"""The public record (公示): which cases are shown, what of them, and the published rankings.

Shown: a case resolved or closed (已办结/已归档) within the last `PUBLIC_RECORD_DAYS` days (settings.HUYING,
default 30), newest result first, that counts in the rates: not taken out of them by an approved exclusion
(核减; a request still awaiting approval hides nothing, or a unit could hide a case by asking; invalid and merged
cases are never resolved), not found by staff (无呼也应, counted apart), and not from a reporter who asked for
anonymity (匿名). Of such a case: its number, category and request type, street and community, the dates it
was received and resolved, its status, its result masked for the public, and the verdict the rates count.
Never its title or description (the resident's own words, which name people and places no masker knows of),
its reporter, phone, notes, the staff who handled it, or any place finer than the community
(小区、楼栋、单元、门牌、网格).

The list shows the newest `PUBLIC_LIST_CAP` cases only (settings.HUYING, default 1000): at a city's volume
(millions a month) counting every row and reading deep pages would take seconds, so it counts up to one past
the cap and says "1000+". An older case is still found by its number.
"""

import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.analytics.models import CaseMeasure, MeasureSettings, PeriodBasis, Verdict
from huying.analytics.rates import BAND_FAILING, BAND_GOOD, MONTH, Period, RankRow, formula, ranking
from huying.cases.models import Case, CaseEvent
from huying.cases.workflow import Status
from huying.geo.mentions import COMPOUND_WORDS
from huying.geo.models import Building
from huying.lib.pii import (
    BEFORE_NAME,
    DASHED_DOOR,
    DOOR_NUMBER,
    HONORIFICS,
    NOT_IN_NAME,
    NOT_NAMES,
    SURNAMES,
    TITLES,
    public_text,
)
from huying.org.models import Unit, UnitKind

DEFAULT_DAYS = 30
PAGE_SIZE = 20
LIST_CAP = 1000  # the newest cases the list pages through (50 pages of 20), unless settings say otherwise
PUBLIC_STATUSES = (Status.RESOLVED, Status.CLOSED)
DEPARTMENT_KINDS = (UnitKind.DEPARTMENT, UnitKind.UTILITY)  # 区直部门 and utilities (供水、供电…) rank together


def record_days() -> int:
    return int(getattr(settings, "HUYING", {}).get("PUBLIC_RECORD_DAYS", DEFAULT_DAYS))


def list_cap() -> int:
    return int(getattr(settings, "HUYING", {}).get("PUBLIC_LIST_CAP", LIST_CAP))


def public_cases(now: dt.datetime) -> QuerySet[Case]:
    """Every case the public record shows at `now` (the rule of the module docstring), newest result first."""
    since = now - dt.timedelta(days=record_days())
    return (Case.objects.filter(status__in=PUBLIC_STATUSES, resolved_at__gte=since, anonymous=False, proactive=False,
                                exclusion="")
            .order_by("-resolved_at", "-pk"))


# --- Masking: what the general masker (huying.lib.pii.public_text) cannot know ---------------------------------

# A compound's name (幸福里小区, 阳光花园) read back from its word, up to a word that cannot be part of it.
# A square (广场) or a new town (新城) is a public place or a district, no one's address.
_COMPOUND_WORDS = "|".join(w for w in COMPOUND_WORDS if w not in ("广场", "新城"))
COMPOUND = re.compile(rf"(?P<run>[\u4e00-\u9fff]{{1,10}})(?P<word>{_COMPOUND_WORDS})")
# Only words no compound's name starts with: 和 (和谐家园) or 向 (向阳小区) would cut a name and show half of it.
NOT_IN_COMPOUND = re.compile(r"^.*(?:的|在|是|了|到|从|往|把|给|们|我|你|他|她|本|该|这|那|个|住|位于|附近|旁边|对面|"
                             r"反映|投诉|举报)")
# Staff named by their role or title (网格员赵卫国, 钱多多书记): the names the general masker leaves alone.
ROLES = ("网格员|网格长|社区干事|社区工作人员|工作人员|社工|书记|主任|民警|城管队员|队员|专管员|物业经理|管家|经办人|"
         "承办人|负责人")
_GIVEN = rf"(?!{HONORIFICS}|{TITLES})[^\W\d_A-Za-z{NOT_IN_NAME}]"
_NAME = rf"(?P<surname>{SURNAMES})(?P<given>{_GIVEN}{{1,2}})"
_ENDS = (rf"[\s\d,.;:!?，。；：！？、（）()]|$|{HONORIFICS}|{TITLES}|电话|手机|联系|住|的|是|在|已|于|将|到|去|来|"
         r"立即|马上|及时|带|现场|上门|前往|协调|回复|处理|与|和|同|等|对|向|会同")
STAFF_BY_ROLE = re.compile(rf"(?:{ROLES})[:：]?\s*{_NAME}(?={_ENDS})")
STAFF_BY_TITLE = re.compile(rf"(?:(?<![\u4e00-\u9fff])|(?<=[{BEFORE_NAME}])){_NAME}(?={TITLES})")
NOT_STAFF_NAMES = NOT_NAMES | {"党支", "党委", "党总"}


def _starred(name: str) -> str:
    """王小明 → 王**: the surname says no more than 王先生 would."""
    return name[0] + "*" * (len(name) - 1)


def _staff_starred(match: re.Match[str]) -> str:
    text, start = match.group(0), match.start(0)
    if (match.group("surname") + match.group("given"))[:2] in NOT_STAFF_NAMES:
        return text
    given_at = match.start("given") - start
    return text[:given_at] + "*" * len(match.group("given")) + text[given_at + len(match.group("given")):]


def _compound_hidden(match: re.Match[str]) -> str:
    run = match.group("run")
    cut = NOT_IN_COMPOUND.match(run)
    keep = run[: cut.end()] if cut else ""
    if keep == run:  # 我们小区, 本小区: no name at all
        return match.group(0)
    return keep + _("（地址略）")


@dataclass(frozen=True)
class Known:
    """The words of one case that must never be shown, and what stands in their place."""

    replacements: dict[str, str]

    @functools.cached_property  # a case's title and result are masked with one compiled pattern
    def pattern(self) -> re.Pattern[str] | None:
        words = sorted((w for w in self.replacements if len(w) >= 2), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, words))) if words else None


def mask_for_public(text: str, known: Known) -> str:
    """`text` fit for the public record: the case's own people and places first (known exactly), then phones,
    ID numbers, plates, e-mail and introduced names (public_text), staff named by role, and door numbers."""
    if not text:
        return ""
    if known.pattern is not None:
        text = known.pattern.sub(lambda m: known.replacements[m.group(0)], text)
    text = public_text(text)
    for staff in (STAFF_BY_ROLE, STAFF_BY_TITLE):
        text = staff.sub(_staff_starred, text)
    text = COMPOUND.sub(_compound_hidden, text)
    text = DASHED_DOOR.sub("*", text)
    return DOOR_NUMBER.sub("*", text)


def person_names(first: str, last: str) -> set[str]:
    """The ways a staff member's name may be written: 赵卫国 (last + first), 卫国 赵, or one field holding it all."""
    first, last = (first or "").strip(), (last or "").strip()
    return {n for n in (last + first, f"{first} {last}".strip(), first + last, first, last) if len(n) >= 2}


# --- The cases -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicCase:
    number: str
    category: str
    request_type: str
    street: str
    community: str
    received_at: dt.datetime
    resolved_at: dt.datetime | None
    status: str
    result: str
    verdict: str  # 满意 / 基本满意 / 不满意, or "" before any evaluation
    solved: bool | None


def _rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("category", "request_type", "street", "community", "grid", "building", "current_unit",
                                "measure")


def known_of(cases: list[Case]) -> dict[int, Known]:
    """Each case's words to hide: its reporter, company, address, the places of its community finer than the
    community (buildings, compounds, grids), and the staff and unit contacts on its trail (three queries)."""
    ids = [c.pk for c in cases]
    people: dict[int, set[str]] = defaultdict(set)
    trail = CaseEvent.objects.filter(case_id__in=ids).values_list(
        "case_id", "actor__first_name", "actor__last_name", "actor_unit__contact_name", "unit__contact_name")
    for case_id, first, last, *contacts in trail.distinct():
        people[case_id] |= person_names(first, last) | {c for c in contacts if c}
    communities = {c.community_id for c in cases if c.community_id}
    places = _places_of(communities)
    out = {}
    for case in cases:
        names = people[case.pk] | {case.reporter_name}
        if case.current_unit:
            names.add(case.current_unit.contact_name)
        spots = places.get(case.community_id or 0, set()) | {case.address, case.grid.name if case.grid else ""}
        if case.building:
            spots |= set(case.building.names())
        out[case.pk] = Known({**{w: _("（地址略）") for w in spots if w},
                              **{w: "***" for w in (case.company_name, case.credit_code) if w},
                              **{n: _starred(n) for n in names if n}})
    return out


def _places_of(community_ids: Iterable[int]) -> dict[int, set[str]]:
    """Per community: its grids' names, its buildings' names, addresses and aliases, and their compounds."""
    out: dict[int, set[str]] = defaultdict(set)
    grids = Unit.objects.filter(parent_id__in=community_ids, kind=UnitKind.GRID).values_list("parent_id", "name")
    for community_id, name in grids:
        out[community_id].add(name)
    buildings = Building.objects.filter(grid__parent_id__in=community_ids).values_list(
        "grid__parent_id", "name", "address", "aliases")
    for community, *names in buildings:
        for name in [n.strip() for text in names for n in text.splitlines()]:
            out[community or 0] |= {name, *(m.group(0) for m in COMPOUND.finditer(name))}
    return out


def public_case(case: Case, known: Known) -> PublicCase:
    measure: CaseMeasure | None = getattr(case, "measure", None)
    counted = measure is not None and measure.computed_at is not None  # the worker has read its evaluations
    verdict, solved = (measure.verdict, measure.solved) if measure is not None and counted else (Verdict.NONE, None)
    return PublicCase(
        number=case.number, category=case.category.local_name if case.category else "",
        request_type=case.request_type.local_name,
        street=case.street.local_name if case.street else "",
        community=case.community.local_name if case.community else "",
        received_at=case.created_at, resolved_at=case.resolved_at, status=str(Status(case.status).label),
        result=mask_for_public(case.result, known),
        verdict=str(Verdict(verdict).label) if verdict else "", solved=solved if verdict else None,
    )


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows of the list, counting no more than one past the cap."""

    def __init__(self, rows: QuerySet[Case], per_page: int, *, cap: int) -> None:
        super().__init__(rows, per_page)
        self.rows, self.cap = rows, cap

    @functools.cached_property
    def found(self) -> int:
        # COUNT over a LIMIT subquery: it stops after cap + 1 rows, however many the 30 days hold.
        return self.rows[: self.cap + 1].count()

    @functools.cached_property
    def count(self) -> int:
        return min(self.found, self.cap)

    @property
    def more(self) -> bool:
        """Whether rows past the cap exist (shown as "1000+")."""
        return self.found > self.cap


@dataclass(frozen=True)
class PublicList:
    page: Page
    cases: list[PublicCase]
    total: str  # "37", or "1000+" past the cap
    beyond: bool  # the page asked for lies past the last one: the last page is shown instead


def _page_asked(number: int | str | None) -> int:
    try:
        return int(number or 1)
    except (TypeError, ValueError):
        return 1


def public_page(number: int | str | None, *, now: dt.datetime) -> PublicList:
    """One page of the public record's newest `list_cap()` cases (a page past the last gives the last page)."""
    paginator = CappedPaginator(_rows(public_cases(now)), PAGE_SIZE, cap=list_cap())
    page = paginator.get_page(number)
    cases = list(page.object_list)
    known = known_of(cases)
    total = f"{paginator.count}+" if paginator.more else str(paginator.count)
    return PublicList(page, [public_case(c, known[c.pk]) for c in cases], total,
                      beyond=_page_asked(number) > paginator.num_pages)


NUMBER_MAX = 32


def number_parse(text: str) -> str:
    """A case number as typed (any case, spaces around); ValueError naming the field when it cannot be one."""
    number = text.strip().upper()
    if not number:
        raise ValueError(_("工单编号：请填写要查询的工单编号"))
    if any(unicodedata.category(ch).startswith("C") for ch in number):  # NUL cannot even reach PostgreSQL
        raise ValueError(_("工单编号：不能包含控制字符"))
    if len(number) > NUMBER_MAX:
        raise ValueError(_("工单编号：不能超过%(n)d个字符") % {"n": NUMBER_MAX})
    return number


def public_lookup(number: str, *, now: dt.datetime) -> PublicCase | None:
    """The case with this (parsed) number if the public record shows it; None alike for unknown and unpublished."""
    case = _rows(public_cases(now)).filter(number=number).first()
    return public_case(case, known_of([case])[case.pk]) if case else None


# --- The rankings ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicRankings:
    period: Period
    basis: str
    streets: list[RankRow]
    departments: list[RankRow]
    formula: dict[str, str]

    def listed(self, rows: list[RankRow], band: str) -> list[RankRow]:
        return [r for r in rows if r.band == band]

    @property
    def good(self) -> dict[str, list[RankRow]]:
        return {"streets": self.listed(self.streets, BAND_GOOD),
                "departments": self.listed(self.departments, BAND_GOOD)}

    @property
    def failing(self) -> dict[str, list[RankRow]]:
        return {"streets": self.listed(self.streets, BAND_FAILING),
                "departments": self.listed(self.departments, BAND_FAILING)}


def last_full_month(now: dt.datetime) -> Period:
    return Period.month_of(timezone.localtime(now).date()).previous()


def month_parse(text: str, *, now: dt.datetime) -> Period:
    """A month the rankings are published for (`2026-09`, up to the last full month); ValueError with the reason."""
    try:
        period = Period.parse(text)
    except ValueError:
        raise ValueError(_("月份：请按“2026-09”的格式填写")) from None
    if period.kind != MONTH:
        raise ValueError(_("月份：请按“2026-09”的格式填写"))
    if period > last_full_month(now):
        raise ValueError(_("月份：只公示已结束月份的排名，最近可查%(month)s") % {"month": last_full_month(now)})
    return period


def month_after(period: Period, *, now: dt.datetime) -> Period | None:
    """The month after `period`, if its rankings are published yet."""
    following = Period.month_of(period.end_day())
    return following if following <= last_full_month(now) else None


def public_rankings(period: Period) -> PublicRankings:
    """The street and department rankings of `period`, read from the rollups by the rule in force."""
    measures = MeasureSettings.current()
    active = Unit.objects.filter(active=True)
    streets = ranking(list(active.filter(kind=UnitKind.STREET)), period, measures)
    departments = ranking(list(active.filter(kind__in=DEPARTMENT_KINDS)), period, measures)
    return PublicRankings(period, str(PeriodBasis(measures.period_basis).label), streets, departments,
                          formula(measures))
