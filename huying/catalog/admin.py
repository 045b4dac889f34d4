"""The catalogue is configuration an administrator edits: categories, request types, tiers, dispatch rules, calendar."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.catalog.csvio import categories_export, categories_import, csv_text
from huying.catalog.models import (
    CalendarDay,
    Category,
    DispatchRule,
    RequestType,
    Tier,
    TierDeadline,
    TimerStep,
    WorkingPeriod,
)
from huying.lib.errors import InvalidInput
from huying.lib.workcal import statutory_known

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # the whole default tree is about 15 KB: a file this big is the wrong file


class CategoryImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_("列：code, parent_code, name, name_en, keywords, active；UTF-8 或 GBK 编码；"
                    "按编码新建或更新，不会删除分类"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大，分类表不应超过 2 MB"))
        return upload


def _csv_download(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "level", "parent", "active")
    list_filter = ("level", "active")
    list_select_related = ("parent",)
    search_fields = ("code", "name", "name_en", "keywords")
    autocomplete_fields = ("parent",)
    actions = ("export_selected",)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="catalog_category_import"),
            path("export/", view(self.export_view), name="catalog_category_export"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = _csv_download("categories.csv")
        categories_export(response)
        return response

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = CategoryImportForm(request.POST, request.FILES) if request.method == "POST" else CategoryImportForm()
        if form.is_valid():
            try:
                report = categories_import(csv_text(form.cleaned_data["file"].read()))
            except InvalidInput as error:
                form.add_error("file", str(error.message))
            else:
                self.message_user(request, report.summary(), messages.SUCCESS)
                return redirect("admin:catalog_category_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": _("导入诉求分类")}
        return TemplateResponse(request, "admin/catalog/category/import.html", context)

    @admin.action(description=_("导出所选分类为 CSV"))
    def export_selected(self, request: HttpRequest, queryset) -> HttpResponse:
        response = _csv_download("categories-selected.csv")
        categories_export(response, queryset=queryset)
        return response


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "sort")
    search_fields = ("code", "name", "name_en")


class TierDeadlineInline(admin.TabularInline):
    model = TierDeadline
    extra = 0


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "handling_level", "response_amount", "response_unit", "completion_amount",
                    "completion_unit", "return_window_hours", "sort")
    search_fields = ("code", "name", "name_en")
    inlines = [TierDeadlineInline]


@admin.register(DispatchRule)
class DispatchRuleAdmin(admin.ModelAdmin):
    # The model's clean() refuses a department rule on a grid or community tier (不得下沉); the admin's
    # ModelForm runs it, so the refusal shows on the tier field.
    list_display = ("category", "request_type", "area", "tier", "department", "priority", "active")
    list_filter = ("active", "tier", "request_type")
    list_select_related = ("category", "request_type", "area", "tier", "department")
    search_fields = ("category__code", "category__name", "department__name", "area__name")
    autocomplete_fields = ("category", "request_type", "area", "tier", "department")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Deadlines of next year fall back to Monday–Friday until someone enters its announced holidays.
        year = timezone.localdate().year + 1
        if not statutory_known(year) and not CalendarDay.objects.filter(date__year=year).exists():
            warning = _("内置法定节假日数据尚未包含 %(year)d 年：请在国务院公布后录入该年的放假和调休安排，"
                        "否则该年按周一至周五计算工作日。")
            self.message_user(request, warning % {"year": year}, messages.WARNING)
        return super().changelist_view(request, extra_context)


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ("start", "end")


@admin.register(TimerStep)
class TimerStepAdmin(admin.ModelAdmin):
    """The reminder and escalation policy (催办与升级规则). The model's clean() names the wrong field.

    A change applies to deadlines set after it; `huying timers_rebuild` points the running ones at it.
    """

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        self._tell_about_running(request)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._tell_about_running(request)

    def _tell_about_running(self, request) -> None:
        note = _("修改对此后设定的时限生效；如需用于正在进行的时限，请运行 huying timers_rebuild。")
        self.message_user(request, note, messages.WARNING)

    list_display = ("kind", "tier", "action", "elapsed_percent", "minutes_from_deadline", "repeat_minutes",
                    "channels", "urgent", "escalate_tier", "active")
    list_filter = ("kind", "action", "tier", "active")
    list_select_related = ("tier", "escalate_tier")
