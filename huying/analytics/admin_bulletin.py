"""Bulletins in the admin: generated files are listed (and may be deleted), never edited; the schedule is one
editable row. Imported by huying/analytics/admin.py."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from huying.analytics.models_bulletin import Bulletin, BulletinSchedule


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ("month_label", "area", "basis", "created_at", "created_by", "downloads")
    list_filter = ("basis",)
    fields = ("area", "month", "basis", "created_at", "created_by", "downloads")
    readonly_fields = fields
    list_select_related = ("area", "created_by")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("xlsx", "pdf")  # the list never loads the files

    @admin.display(description=_("月份"), ordering="month")
    def month_label(self, obj: Bulletin) -> str:
        return obj.month_label

    @admin.display(description=_("下载"))
    def downloads(self, obj: Bulletin) -> str:
        return format_html('<a href="{}">Excel</a> · <a href="{}">PDF</a>',
                           reverse("analytics:bulletin_file", args=[obj.pk, "xlsx"]),
                           reverse("analytics:bulletin_file", args=[obj.pk, "pdf"]))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # generated on the bulletins page, by `huying bulletin`, or by the schedule

    def has_change_permission(self, request: HttpRequest, obj: Bulletin | None = None) -> bool:
        return False


@admin.register(BulletinSchedule)
class BulletinScheduleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "enabled", "day_of_month", "hour", "last_run_month", "last_sent_at")
    fields = ("enabled", "day_of_month", "hour", "area", "recipients", "last_run_month", "last_sent_at",
              "last_error")
    readonly_fields = ("last_run_month", "last_sent_at", "last_error")
    raw_id_fields = ("area",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A singleton: BulletinSchedule.current() creates the row with its defaults on first use.
        return not BulletinSchedule.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: BulletinSchedule | None = None) -> bool:
        return False
