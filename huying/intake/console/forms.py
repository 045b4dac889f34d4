"""The staff entry forms: one hotline call, and a visit or forum with its rows of demands."""

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Channel, Urgency
from huying.catalog.models import Category, RequestType
from huying.intake.web.validators import phone_validate
from huying.lib.widgets import LongSelect

MAX_TEXT = 4000
VISIT_ROWS = 5
VISIT_MAX_ROWS = 50


class TextBox(forms.CharField):
    """A multi-line text: browsers send CRLF line breaks; the case keeps plain newlines."""

    widget = forms.Textarea

    def to_python(self, value) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


class CategoryField(forms.ModelChoiceField):
    """Active categories as "code name": a focused select jumps to an option as the operator types its code."""

    widget = LongSelect

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("诉求分类"))
        kwargs.setdefault("empty_label", _("（未确定，由系统研判）"))
        super().__init__(queryset=Category.objects.filter(active=True).order_by("code"), required=False, **kwargs)


def request_type_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=RequestType.objects.all(), label=_("诉求类型"), **kwargs)


def default_request_type(preferred: str = "") -> RequestType | None:
    """The type `preferred` by code when the catalogue has it, else the first one: the radio checked at first."""
    found = RequestType.objects.filter(code=preferred).first() if preferred else None
    return found or RequestType.objects.order_by("sort", "pk").first()


def new_form_key() -> str:
    """A fresh key for a served form: the same form sent twice is recognised and makes its cases once."""
    return uuid.uuid4().hex


class HotlineForm(forms.Form):
    """One call, in the order an operator hears it; `action` is the button pressed (派单 or 直接办结).

    Access keys are letters: Chrome on Linux keeps Alt+digit for switching tabs, and Alt+D/E/F for itself.
    """

    DISPATCH, ANSWER = "dispatch", "answer"

    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reporter_phone = forms.CharField(
        label=_("来电号码"), max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off", "accesskey": "p",
                                      "autofocus": True}),
    )
    reporter_name = forms.CharField(label=_("来电人"), max_length=50, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "off"}))
    category = CategoryField(widget=LongSelect(attrs={"accesskey": "c"}))
    request_type = request_type_field(widget=forms.RadioSelect(attrs={"accesskey": "t"}))
    address = forms.CharField(label=_("地点"), max_length=300, required=False,
                              widget=forms.TextInput(attrs={"accesskey": "a", "autocomplete": "off"}))
    description = TextBox(label=_("诉求内容"), max_length=MAX_TEXT,
                          widget=forms.Textarea(attrs={"rows": 4, "accesskey": "n"}))
    answer = TextBox(label=_("答复内容（直接办结时必填）"), max_length=MAX_TEXT, required=False,
                     widget=forms.Textarea(attrs={"rows": 3, "accesskey": "r"}))
    # After the answer, not beside the text: the tab order an operator's hands know stays as it was. 特急 with no
    # category chosen is the emergency path (紧急通道): dispatched at once to the unit on duty.
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False,
                                widget=forms.RadioSelect(attrs={"accesskey": "u"}),
                                help_text=_("特急且不选分类：立即派至值班单位"))

    def __init__(self, *args, action: str = DISPATCH, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action if action in (self.DISPATCH, self.ANSWER) else self.DISPATCH
        self.fields["request_type"].initial = default_request_type()
        self.fields["form_key"].initial = new_form_key()

    def clean_reporter_phone(self) -> str:
        return phone_validate(self.cleaned_data["reporter_phone"])

    def clean_urgency(self) -> str:
        return self.cleaned_data.get("urgency") or Urgency.NORMAL  # a page served before the field existed

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        answer = (data.get("answer") or "").strip()
        if self.action == self.ANSWER and not answer:
            self.add_error("answer", _("直接办结须填写答复内容"))
        if self.action == self.DISPATCH and answer:
            # An answer typed and then sent with 派单 would be lost: make the operator choose.
            self.add_error("answer", _("已填写答复内容：请点“直接办结”，或清空答复后再派单"))
        return data

    def focus_first_error(self) -> None:
        """Move the keyboard focus to the first field the operator must fix."""
        first = next((name for name in self.fields if name in self.errors), "reporter_phone")
        for name, field in self.fields.items():
            field.widget.attrs.pop("autofocus", None)
            if name == first:
                field.widget.attrs["autofocus"] = True


class TriageDraftForm(forms.Form):
    """What the console sends for triage while the operator types (研判): the text, the place, the category."""

    description = TextBox(max_length=MAX_TEXT, error_messages={"required": _("请填写诉求内容")})
    address = forms.CharField(max_length=300, required=False)
    category = forms.ModelChoiceField(queryset=Category.objects.filter(active=True), required=False)


class VisitHeaderForm(forms.Form):
    """The visit or meeting the demands were collected at (入户访 / 座谈征)."""

    form_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(label=_("形式"), widget=forms.RadioSelect,
                             choices=[(Channel.VISIT, _("入户走访")), (Channel.FORUM, _("座谈会"))],
                             initial=Channel.VISIT)
    address = forms.CharField(label=_("地点"), max_length=300, help_text=_("如：幸福里小区3栋2单元，或社区会议室"))
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    participants = forms.IntegerField(label=_("参与人数"), min_value=1, max_value=10_000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["form_key"].initial = new_form_key()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天"))
        return held_on


class VisitRowForm(forms.Form):
    """One demand heard at the visit or meeting; a row left blank is skipped."""

    description = TextBox(label=_("诉求内容"), max_length=MAX_TEXT,
                          widget=forms.Textarea(attrs={"rows": 2}))
    category = CategoryField()
    request_type = request_type_field()
    reporter_phone = forms.CharField(label=_("联系电话（选填）"), max_length=30, required=False,
                                     widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))

    def __init__(self, *args, default_type: RequestType | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The same default in served and blank rows, so an untouched row reads as unchanged and is skipped.
        self.fields["request_type"].initial = default_type

    def clean_reporter_phone(self) -> str:
        phone = self.cleaned_data["reporter_phone"]
        return phone_validate(phone) if phone.strip() else ""


class BaseVisitRowFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("请至少填写一条诉求"), code="no_rows")

    def filled(self) -> list[tuple[int, VisitRowForm]]:
        """(index, form) of the rows the user filled in, in page order."""
        return [(index, form) for index, form in enumerate(self.forms) if form.has_changed()]


VisitRowFormSet = forms.formset_factory(VisitRowForm, formset=BaseVisitRowFormSet, extra=VISIT_ROWS,
                                        max_num=VISIT_MAX_ROWS, validate_max=True, absolute_max=VISIT_MAX_ROWS)
