"""The forms of the case page's 考核 panel: a call-back (回访) and the steps of an exclusion (考核核减).

Field names are the services' parameter names (see forms.py), so an InvalidInput a service raises lands on its
field; the checks here say the same things earlier, beside the field, in the words of the form.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.cases.models import ExclusionReason
from huying.feedback.models import Satisfaction
from huying.feedback.services import NOTE_MAX
from huying.workbench.casepage.forms import ActionForm, TextBox

# Imported history leaves the rates by the ledger's own rule, never by a request.
REQUESTABLE_REASONS = [(value, label) for value, label in ExclusionReason.choices if value != ExclusionReason.IMPORTED]


def _yes(value: str) -> bool:
    return value == "yes"


class CallBackForm(ActionForm):
    """回访: reached or not and, when reached, solved or not and how satisfied; the operator's note."""

    reached = forms.TypedChoiceField(
        label=gettext_lazy("联系结果"), widget=forms.RadioSelect, coerce=_yes,
        choices=[("yes", gettext_lazy("已联系上")), ("no", gettext_lazy("未联系上"))],
    )
    solved = forms.TypedChoiceField(
        label=gettext_lazy("问题是否解决"), widget=forms.RadioSelect, coerce=_yes, required=False, empty_value=None,
        choices=[("yes", gettext_lazy("已解决")), ("no", gettext_lazy("未解决"))],
    )
    satisfaction = forms.ChoiceField(label=gettext_lazy("满意度"), widget=forms.RadioSelect, required=False,
                                     choices=Satisfaction.choices)
    note = TextBox(label=gettext_lazy("回访记录（选填）"), required=False, max_length=NOTE_MAX)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reached"):  # nobody answered: nothing more to ask (the service drops any verdict sent)
            if data.get("solved") is None and "solved" not in self.errors:
                self.add_error("solved", _("联系上诉求人时须选择问题是否解决"))
            if not data.get("satisfaction") and "satisfaction" not in self.errors:
                self.add_error("satisfaction", _("联系上诉求人时须选择满意度"))
        return data


class ExclusionRequestForm(ActionForm):
    """申请核减: why the case should not count, from the list, and the facts behind it."""

    reason = forms.ChoiceField(label=gettext_lazy("核减原因"),
                               choices=[("", gettext_lazy("请选择")), *REQUESTABLE_REASONS])
    note = TextBox(label=gettext_lazy("核减理由（事实与依据）"))


class ExclusionDecisionForm(ActionForm):
    """核减审批: agree or not; a refusal says why."""

    approve = forms.TypedChoiceField(
        label=gettext_lazy("审批意见"), widget=forms.RadioSelect, coerce=_yes,
        choices=[("yes", gettext_lazy("同意核减")), ("no", gettext_lazy("不同意"))],
    )
    note = TextBox(label=gettext_lazy("审批说明（不同意时必填）"), required=False, rows=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("approve") is False and not (data.get("note") or "").strip() and "note" not in self.errors:
            self.add_error("note", _("不同意核减时须说明理由"))
        return data


class RestoreCountingForm(ActionForm):
    """撤销核减: the case counts again; say why."""

    note = TextBox(label=gettext_lazy("撤销理由"), rows=2)
