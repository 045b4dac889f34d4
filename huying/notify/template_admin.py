"""Message templates (消息模板) in the admin: an administrator rewords a message, with the placeholders checked."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.notify.models import MessageTemplate
from huying.notify.template_check import TemplateProblem, allowed_placeholders, placeholder_list, wording_check
from huying.notify.templates import SUBJECTS, TEXTS


def placeholders_help(code: str) -> str:
    if code in TEXTS:
        return _("可用的占位符：%(names)s") % {"names": placeholder_list(allowed_placeholders(code))}
    every = "；".join(f"{c}：{placeholder_list(allowed_placeholders(c))}" for c in TEXTS)
    return _("各模板可用的占位符——%(list)s") % {"list": every}


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("code", "language", "subject", "text")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_text = placeholders_help(self.instance.code)
        self.fields["text"].help_text = help_text
        self.fields["subject"].help_text = _("仅用于邮件；留空则用默认标题。") + " " + help_text

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("code")
        if code is None:
            return cleaned
        try:
            allowed = allowed_placeholders(code)
        except TemplateProblem as problem:
            self.add_error("code", str(problem))
            return cleaned
        for name in ("text", "subject"):
            try:
                wording_check(cleaned.get(name) or "", allowed)
            except TemplateProblem as problem:
                self.add_error(name, str(problem))
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ("code", "language", "subject")
    list_filter = ("language", "code")
    search_fields = ("code", "subject", "text")
    actions = ["restore_default"]

    @admin.action(description=gettext_lazy("恢复为默认文字"))
    def restore_default(self, request, queryset) -> None:
        # Seeded rows keep an install's wording when a new release improves the defaults: this takes them up.
        restored = 0
        for row in queryset:
            if row.code in TEXTS and row.language in TEXTS[row.code]:
                row.subject, row.text = SUBJECTS[row.code][row.language], TEXTS[row.code][row.language]
                row.save(update_fields=["subject", "text"])
                restored += 1
        self.message_user(request, _("已恢复 %(count)d 个模板的默认文字") % {"count": restored})
