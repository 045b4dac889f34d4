"""Reads of cases, always through the caller's organisation scope (access_* helpers).

A user sees the cases placed in their unit's subtree, the cases whose current handler is in that
subtree, and the cases their unit works on as co-handler or summoned department. Anything else is
reported as not found, so an outsider cannot even learn that a case number exists.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from huying.cases.models import Case, CaseAssignment
from huying.lib.errors import NotFound
from huying.org.models import User


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    unit = user.unit
    if unit is None:
        return Case.objects.none()
    scope = unit.scope_path()
    assigned = CaseAssignment.objects.filter(case=OuterRef("pk"), unit=unit)
    return Case.objects.filter(
        Q(place_path__startswith=scope) | Q(current_unit__path__startswith=scope) | Exists(assigned)
    )


def access_case(user: User, number: str, *, for_update: bool = False) -> Case:
    """The case with this number if the user may see it; NotFound otherwise."""
    qs = cases_visible_to(user).select_related(
        "request_type", "category", "tier", "current_unit", "grid", "community", "street", "district"
    )
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(number=number).first()
    if case is None:
        raise NotFound(_("工单不存在或无权查看"), code="case_not_found")
    return case
