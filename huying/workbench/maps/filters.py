"""The map's filters (筛选): date range, category, status, overdue only — for the page and its JSON alike."""

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case
from huying.cases.overdue import overdue_q
from huying.cases.workflow import ACTIVE, Status
from huying.catalog.models import Category

DEFAULT_DAYS = 30
OPEN, DONE, ALL = "open", "done", "all"
STATUS_SETS = {OPEN: ACTIVE, DONE: (Status.RESOLVED, Status.CLOSED)}


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return f"{'　' * (obj.level - 1)}{obj.name}"  # second level indented under its parent


class MapFilterForm(forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    category = CategoryChoice(label=_("分类"), required=False, to_field_name="code", empty_label=_("全部分类"),
                              queryset=Category.objects.filter(level__lte=2, active=True).order_by("code"))
    status = forms.ChoiceField(label=_("状态"), required=False, initial=OPEN, choices=[
        (OPEN, _("在办")), (DONE, _("已办结")), (ALL, _("全部")),
        (_("单个状态"), Status.choices),
    ])
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data

    def first_error(self) -> tuple[str | None, str]:
        """The first problem as (field name, message): the JSON endpoints answer with it."""
        for name, errors in self.errors.items():
            return (None if name == "__all__" else name), str(errors[0])
        return None, ""


def map_filter_form(query: QueryDict) -> MapFilterForm:
    """A bound form: the query as given, or the defaults (open cases of the last 30 days) on a bare URL."""
    if not any(name in query for name in MapFilterForm.base_fields):
        today = timezone.localdate()
        query = QueryDict(mutable=True)
        query.update({"date_from": (today - dt.timedelta(days=DEFAULT_DAYS)).isoformat(),
                      "date_to": today.isoformat(), "status": OPEN})
    return MapFilterForm(query)


def cases_filtered(qs: QuerySet[Case], data: dict) -> QuerySet[Case]:
    """Apply a valid form's cleaned data. Dates are local (Asia/Shanghai) days, both ends included."""
    if data.get("date_from"):
        qs = qs.filter(created_at__gte=_midnight(data["date_from"]))
    if data.get("date_to"):
        qs = qs.filter(created_at__lt=_midnight(data["date_to"] + dt.timedelta(days=1)))
    if top := data.get("category"):
        qs = qs.filter(Q(category=top) | Q(category__parent=top) | Q(category__parent__parent=top))
    status = data.get("status") or OPEN
    if status in STATUS_SETS:
        qs = qs.filter(status__in=STATUS_SETS[status])
    elif status != ALL:
        qs = qs.filter(status=status)
    if data.get("overdue"):
        qs = qs.filter(overdue_q(timezone.now()))
    return qs


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
