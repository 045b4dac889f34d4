"""The resident's forms: find my case, rate it, ask for it to be handled again."""

from typing import TYPE_CHECKING

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from huying.feedback.services import COMMENT_MAX

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Highest first: the star row is drawn right to left, so CSS alone can light every star up to the chosen one.
STAR_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]
SOLVED_CHOICES = [("yes", _("已解决")), ("no", _("未解决"))]


class LookupForm(forms.Form):
    number = forms.CharField(label=_("工单编号"), max_length=32)
    phone_last4 = forms.CharField(
        label=_("联系电话后四位"), min_length=4, max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("请输入4位数字"))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{4}"}),
    )

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()


def _stars(label: "StrOrPromise") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=STAR_CHOICES, coerce=int, widget=forms.RadioSelect)


class RatingForm(forms.Form):
    responsiveness = _stars(_("响应度"))
    completion = _stars(_("办结度"))
    satisfaction = _stars(_("满意度"))
    solved = forms.TypedChoiceField(label=_("问题是否已解决"), choices=SOLVED_CHOICES,
                                    coerce=lambda value: value == "yes", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("评价内容"), max_length=COMMENT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX}))

    def score_fields(self) -> list[forms.BoundField]:
        return [self["responsiveness"], self["completion"], self["satisfaction"]]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("仍未解决的情况"), max_length=COMMENT_MAX,
                             widget=forms.Textarea(attrs={"rows": 4, "maxlength": COMMENT_MAX}))
