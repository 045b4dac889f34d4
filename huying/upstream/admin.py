"""Platforms are configured here; their outbox is read-only, with a "retry now" for messages that failed."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from huying.upstream.models import UpstreamMessage, UpstreamPlatform
from huying.upstream.outbox import messages_retry


@admin.register(UpstreamPlatform)
class UpstreamPlatformAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "user", "callback_url", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")
    raw_id_fields = ("user",)


class HasErrorFilter(admin.SimpleListFilter):
    title = _("最近错误")
    parameter_name = "has_error"

    def lookups(self, request, model_admin):
        return [("yes", _("有错误")), ("no", _("无错误"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(last_error="")
        if self.value() == "no":
            return queryset.filter(last_error="")
        return queryset


@admin.register(UpstreamMessage)
class UpstreamMessageAdmin(admin.ModelAdmin):
    list_display = ("case", "seq", "platform", "reported_action", "status", "attempts", "next_attempt_at",
                    "delivered_at", "error_excerpt")
    list_filter = ("status", "platform", "attempts", HasErrorFilter)
    search_fields = ("case__number", "case__upstream_id")
    list_select_related = ("case", "platform")
    readonly_fields = ("platform", "case", "event", "seq", "payload", "status", "attempts", "next_attempt_at",
                       "last_error", "created_at", "delivered_at")
    actions = ["retry_now"]

    # Messages are written by the outbox and the sender only; the one thing a person does is retry.
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("upstream.change_upstreammessage")

    @admin.display(description=_("动作"))
    def reported_action(self, obj: UpstreamMessage) -> str:
        return str(obj.payload.get("action", ""))

    @admin.display(description=_("最近错误"))
    def error_excerpt(self, obj: UpstreamMessage) -> str:
        return obj.last_error[:80]

    @admin.action(description=_("立即重试所选消息"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[UpstreamMessage]) -> None:
        count = messages_retry(messages=queryset)
        self.message_user(request, ngettext("%(count)d 条消息已排入重试", "%(count)d 条消息已排入重试", count)
                          % {"count": count}, messages.SUCCESS)
