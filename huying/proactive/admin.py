"""Patrol records in the admin: read-only (they count toward the daily rule), with one action to end
patrols a worker forgot to stop."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from huying.lib.errors import HuyingError
from huying.proactive.models import Patrol
from huying.proactive.services import patrol_stop


@admin.register(Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ("worker", "grid", "started_at", "ended_at")
    list_filter = ("grid",)
    list_select_related = ("worker", "grid")
    date_hierarchy = "started_at"
    search_fields = ("worker__username", "worker__first_name", "worker__last_name")
    actions = ["end_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Patrol | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Patrol | None = None) -> bool:
        return False

    def has_end_permission(self, request: HttpRequest) -> bool:
        # Ending a patrol changes the record, though the form never may: the model's change permission.
        return request.user.has_perm("proactive.change_patrol")

    @admin.action(description=_("结束所选的进行中巡查"), permissions=["end"])
    def end_now(self, request: HttpRequest, queryset: QuerySet[Patrol]) -> None:
        ended = 0
        for patrol in queryset.filter(ended_at=None).select_related("worker"):
            try:
                patrol_stop(worker=patrol.worker)
                ended += 1
            except HuyingError:  # the worker stopped it meanwhile
                continue
        self.message_user(request, _("已结束 %(n)d 次巡查") % {"n": ended}, messages.SUCCESS)
