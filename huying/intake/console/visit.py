"""Household visits and forums (入户访, 座谈征): every demand heard at one sitting becomes a case, all or none."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huying.cases.models import Case, Channel
from huying.cases.services import case_create_once
from huying.catalog.models import Category, RequestType
from huying.lib.errors import HuyingError, InvalidInput
from huying.org.models import User

TITLE_MAX = Case._meta.get_field("title").max_length


@dataclass(frozen=True)
class Sitting:
    """The visit or meeting: its kind (a Channel: visit or forum), place, day and head count."""

    kind: str
    address: str
    held_on: dt.date
    participants: int


@dataclass(frozen=True)
class Demand:
    description: str
    request_type: RequestType
    category: Category | None = None
    reporter_phone: str = ""


class RowFailed(Exception):
    """A service refused row `index` (0-based); nothing of the sitting was kept."""

    def __init__(self, index: int, error: HuyingError):
        super().__init__(str(error.message))
        self.index, self.error = index, error


def _context_line(sitting: Sitting) -> str:
    # Handlers see where and when the demand was heard: the visit itself has no record of its own.
    label = _("入户走访") if sitting.kind == Channel.VISIT else _("座谈会")
    return _("（%(kind)s，%(day)s，%(place)s，%(count)d 人参加）") % {
        "kind": label, "day": date_format(sitting.held_on, "Y-m-d"), "place": sitting.address,
        "count": sitting.participants,
    }


@transaction.atomic
def sitting_record(*, by: User, sitting: Sitting, demands: list[Demand], form_key: str) -> list[Case]:
    """One case per demand, routed like any other; if one is refused, none is kept (RowFailed names it)."""
    if sitting.kind not in (Channel.VISIT, Channel.FORUM):
        raise ValueError(f"not a sitting channel: {sitting.kind}")
    context = _context_line(sitting)
    cases = []
    for index, demand in enumerate(demands):
        text = demand.description.strip()
        try:
            if not text:  # the service cannot tell: the context line below is never empty
                raise InvalidInput(_("请填写诉求内容"), field="description")
            case, _created = case_create_once(
                scope=f"sitting:{by.pk}", key=f"{form_key}:{index}", by=by, channel=sitting.kind,
                request_type=demand.request_type, category=demand.category, reporter_phone=demand.reporter_phone,
                title=text[:TITLE_MAX], description=f"{text}\n{context}",
                address=sitting.address,
                # Visits are staff going out to find problems (无呼也应); a forum hears what residents bring.
                proactive=sitting.kind == Channel.VISIT,
            )
        except HuyingError as exc:
            raise RowFailed(index, exc) from exc
        cases.append(case)
    return cases
