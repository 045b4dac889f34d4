"""One small form per action on the case page. Each turns what was typed into the service's keyword arguments.

Field names are the services' parameter names, so an InvalidInput a service raises lands on the field it names.
Every form carries the case version it was served with (optimistic lock): a stale page is refused, not applied.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases.models import Case
from huying.cases.selectors import cases_visible_to
from huying.catalog.models import Category
from huying.lib.photo_fields import PhotosField
from huying.lib.widgets import LongSelect
from huying.org.models import Unit, UnitKind, User

MAX_TEXT = 4000
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
# Units that work on problems beside the handler (协办, 专项组): not the territories above a street, not grids.
HELPER_KINDS = (UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.COMMAND_CENTRE, UnitKind.DEPARTMENT,
                UnitKind.UTILITY, UnitKind.PROPERTY, UnitKind.COBUILDING)
DEPARTMENT_KINDS = (UnitKind.DEPARTMENT, UnitKind.UTILITY)


class TextBox(forms.CharField):
    """A multi-line text: browsers send CRLF line breaks; the case keeps plain newlines."""

    def __init__(self, *, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_TEXT)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


class LocalDateTimeField(forms.DateTimeField):
    """A date and time picked in the browser (Beijing time), which must lie in the future."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)

    def validate(self, value: dt.datetime | None) -> None:
        super().validate(value)
        if value is not None and value <= timezone.now():
            raise ValidationError(_("时间须晚于当前时间"), code="past")





class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return _unit_label(obj)


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return _unit_label(obj)


def units_around(case: Case) -> QuerySet[Unit]:
    """Active units of the case's district (all active units when the case has no place yet)."""
    units = Unit.objects.filter(active=True).order_by("path")
    if case.district is not None:
        units = units.filter(path__startswith=case.district.path)
    return units


class ActionForm(forms.Form):
    """The version of the case the page showed, and the case and user the form is for."""

    version = forms.IntegerField(label=gettext_lazy("页面版本"), widget=forms.HiddenInput, min_value=1,
                                 max_value=2**31 - 1)
    photo_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        self.fields["version"].initial = case.version

    @property
    def has_inputs(self) -> bool:
        return any(not field.widget.is_hidden for field in self.fields.values())

    def arguments(self) -> dict[str, Any]:
        """The service's keyword arguments (without case, by and version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def error_field(self, field: str | None) -> str | None:
        """The form field a service's error names, or None for an error about the whole form."""
        if field == "attachments" and "photos" in self.fields:
            return "photos"
        return field if field in self.fields else None


class ConfirmForm(ActionForm):
    """Nothing to type: the button is the whole form (签收, 视频研判)."""


class OptionalNoteForm(ActionForm):
    note = TextBox(label=gettext_lazy("说明（选填）"), required=False, rows=2)


class ReasonForm(ActionForm):
    reason = TextBox(label=gettext_lazy("原因"))


class DispatchForm(ActionForm):
    """派单/改派: the unit it goes to, and why (required when it moves away from a unit)."""

    to = UnitChoice(queryset=Unit.objects.none(), label=gettext_lazy("派往单位"))
    reason = TextBox(label=gettext_lazy("改派原因"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (units_around(self.case).exclude(kind__in=(UnitKind.CITY, UnitKind.DISTRICT))
                          .exclude(pk=self.case.current_unit_id or 0))


class SummonForm(ActionForm):
    """吹哨: the departments summoned and when they must report (报到)."""

    departments = UnitsChoice(queryset=Unit.objects.none(), label=gettext_lazy("吹哨部门"),
                              widget=forms.CheckboxSelectMultiple)
    report_due_at = LocalDateTimeField(label=gettext_lazy("报到时限"))
    note = TextBox(label=gettext_lazy("需协调的事项（选填）"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = units_around(self.case).filter(kind__in=DEPARTMENT_KINDS)
        self.fields["report_due_at"].initial = timezone.localtime() + dt.timedelta(hours=24)

    def arguments(self) -> dict[str, Any]:
        data = super().arguments()
        data["departments"] = list(data["departments"])
        return data


class ReportForm(ActionForm):
    report = TextBox(label=gettext_lazy("报到情况（做了什么）"))


class CohandlersForm(ActionForm):
    units = UnitsChoice(queryset=Unit.objects.none(), label=gettext_lazy("协办单位"),
                        widget=forms.SelectMultiple(attrs={"size": 8}),
                        help_text=gettext_lazy("按住 Ctrl 可多选"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = units_around(self.case).filter(kind__in=HELPER_KINDS).exclude(
            pk=self.case.current_unit_id or 0)

    def arguments(self) -> dict[str, Any]:
        return {"units": list(self.cleaned_data["units"])}


class ExtensionRequestForm(ActionForm):
    until = LocalDateTimeField(label=gettext_lazy("延期至"))
    reason = TextBox(label=gettext_lazy("延期原因"))


class ExtensionDecisionForm(ActionForm):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("审批意见"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("yes", gettext_lazy("同意延期")), ("no", gettext_lazy("不同意"))],
    )
    note = TextBox(label=gettext_lazy("说明（选填）"), required=False, rows=2)


class NoteForm(ActionForm):
    note = TextBox(label=gettext_lazy("备注"))
    photos = PhotosField(label=gettext_lazy("照片（选填）"), required=False)

    def arguments(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"], "attachments": self.cleaned_data["photos"]}


class ResolveForm(ActionForm):
    result = TextBox(label=gettext_lazy("办理结果"), rows=4)
    photos = PhotosField(label=gettext_lazy("现场照片（选填）"), required=False)

    def arguments(self) -> dict[str, Any]:
        return {"result": self.cleaned_data["result"], "attachments": self.cleaned_data["photos"]}


class MergeForm(ActionForm):
    into = forms.CharField(label=gettext_lazy("并入工单编号"), max_length=32)
    note = TextBox(label=gettext_lazy("说明（选填）"), required=False, rows=2)

    def clean_into(self) -> Case:
        number = self.cleaned_data["into"].strip()
        into = cases_visible_to(self.user).filter(number=number).first()
        if into is None:
            raise ValidationError(_("目标工单不存在或无权查看"), code="unknown_case")
        return into


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.code} {obj.local_name}"


class ReclassifyForm(ActionForm):
    """改类: the category a person settles on (the same one confirms it), and why."""

    category = CategoryChoice(queryset=Category.objects.filter(active=True).order_by("code"), widget=LongSelect,
                              label=gettext_lazy("诉求分类"))
    note = TextBox(label=gettext_lazy("说明（选填）"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].initial = self.case.category_id


class SuperviseForm(ActionForm):
    note = TextBox(label=gettext_lazy("督办要求（选填）"), required=False, max_length=500, rows=2)


class InstructForm(ActionForm):
    instruction = TextBox(label=gettext_lazy("批示内容"))


class ConveneForm(ActionForm):
    """专项响应组: the lead unit (牵头) and the member units."""

    lead = UnitChoice(queryset=Unit.objects.none(), label=gettext_lazy("牵头单位"))
    units = UnitsChoice(queryset=Unit.objects.none(), label=gettext_lazy("成员单位"),
                        widget=forms.SelectMultiple(attrs={"size": 8}),
                        help_text=gettext_lazy("按住 Ctrl 可多选"))
    note = TextBox(label=gettext_lazy("工作要求（选填）"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_around(self.case).filter(kind__in=HELPER_KINDS)
        for name in ("lead", "units"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units

    def arguments(self) -> dict[str, Any]:
        data = super().arguments()
        data["units"] = list(data["units"])
        return data


def _unit_label(unit: Unit) -> str:
    return _("%(name)s（%(kind)s）") % {"name": unit.local_name, "kind": unit.get_kind_display()}
