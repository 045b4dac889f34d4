"""The definitions of the rates (考核口径) are one editable row; the ledger itself (measures, rollups) is read-only:
only the worker writes it, from the cases."""

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huying.analytics.marks import measures_mark_all
from huying.analytics.models import CaseMeasure, MeasureSettings, UnitRollup


@admin.register(MeasureSettings)
class MeasureSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "period_basis", "weight_response", "weight_solved", "weight_satisfied", "basic_weight",
                    "good_band", "failing_band")
    fieldsets = (
        (gettext_lazy("统计口径与权重"), {
            "fields": ("period_basis", "weight_response", "weight_solved", "weight_satisfied", "basic_weight")}),
        (gettext_lazy("评分档次"), {
            "fields": ("satisfied_min_score", "basic_min_score"),
            "description": gettext_lazy("修改评分档次后，全部工单将由后台重新计算")}),
        (gettext_lazy("红黑榜"), {"fields": ("band_metric", "good_band", "failing_band", "band_min_evaluated")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A singleton: MeasureSettings.current() creates the row with its defaults on first use.
        return not MeasureSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: MeasureSettings | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: MeasureSettings, form, change: bool) -> None:
        before = MeasureSettings.objects.filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        # Weights and bands are read when a page is; the score bands decide how each rating counts, so every
        # measure is recomputed (by the worker, in the background).
        if before is None or obj.bands_differ(before):
            marked = measures_mark_all()
            self.message_user(request, _("评分档次已修改，%(n)d 件工单将重新计算") % {"n": marked}, messages.INFO)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CaseMeasure)
class CaseMeasureAdmin(ReadOnlyAdmin):
    list_display = ("case", "handler", "created_month", "resolved_month", "exclusion", "proactive", "response",
                    "resolved", "solved", "verdict", "evaluation_source", "computed_at")
    list_filter = ("response", "verdict", "proactive", "resolved")
    list_select_related = ("case", "handler")
    search_fields = ("case__number",)
    show_full_result_count = False  # one row per case: no COUNT(*) of millions on every page


@admin.register(UnitRollup)
class UnitRollupAdmin(ReadOnlyAdmin):
    list_display = ("unit", "basis", "month", "cases", "excluded", "proactive", "response_due", "response_on_time",
                    "resolved", "resolved_on_time", "evaluated", "solved", "satisfied", "basic")
    list_filter = ("basis", "month")
    list_select_related = ("unit",)
    search_fields = ("unit__name", "unit__code")

from huying.analytics import admin_bulletin  # noqa: E402,F401  (the bulletins' admin, in its own file)
