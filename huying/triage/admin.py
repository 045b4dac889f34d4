"""Triage in the admin: the trained models (which one is in use, how it measured) and the settings."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from huying.triage.models import TriageModel, TriageSettings
from huying.triage.store import model_activate


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    list_display = ("version", "target", "active", "source", "n", "held_out_macro_f1", "trained_at")
    list_filter = ("target", "active")
    exclude = ("blob",)
    readonly_fields = ("target", "version", "sha256", "source", "n", "classes", "metrics", "active", "trained_at",
                       "created_by")
    actions = ["activate"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TriageModel]:
        return super().get_queryset(request).defer("blob")  # a model file is megabytes: never list them

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # models come from `huying triage train-from-cases` or `huying triage install`

    @admin.display(description=_("留出集宏F1"))
    def held_out_macro_f1(self, row: TriageModel) -> object:
        return (row.metrics.get("held_out") or {}).get("macro_f1", "—")

    @admin.action(description=_("启用所选模型"))
    def activate(self, request: HttpRequest, queryset: QuerySet[TriageModel]) -> None:
        chosen = list(queryset)
        if len({row.target for row in chosen}) != len(chosen):
            self.message_user(request, _("每个预测对象只能启用一个模型"), messages.ERROR)
            return
        for row in chosen:
            model_activate(row=row)
        done = ngettext("已启用 %(n)d 个模型", "已启用 %(n)d 个模型", len(chosen))
        self.message_user(request, done % {"n": len(chosen)})


@admin.register(TriageSettings)
class TriageSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "auto_classify", "min_confidence", "duplicate_filter", "auto_merge", "merge_score",
                    "suggest_score", "window_hours", "distance_m")
    fieldsets = (
        (_("分类"), {"fields": ("auto_classify", "min_confidence")}),
        (_("并单（案件过滤器）"), {"fields": ("duplicate_filter", "auto_merge", "merge_score", "suggest_score",
                                          "window_hours", "distance_m")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the one row is made by the migration; an administrator edits it

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
