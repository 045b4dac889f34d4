"""The outbox in the admin: what was sent, what is waiting and why a message failed; gateways are edited here."""

from django.contrib import admin
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huying.notify.models import Notification, NotifyStatus, SmsGateway
from huying.notify.phones import mask_phone


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "template", "masked_recipient", "case", "status", "attempts",
                    "next_attempt_at", "last_error")
    list_filter = ("status", "channel", "template")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"
    # The recipient's number stays masked here too: the admin needs to see that a message went, not to whom.
    fields = ("channel", "template", "masked_recipient", "case", "status", "attempts", "next_attempt_at",
              "last_error", "created_at", "sent_at")
    readonly_fields = fields
    actions = ["retry_now"]

    @admin.display(description=_("接收方"))
    def masked_recipient(self, obj: Notification) -> str:
        return mask_phone(obj.recipient) if obj.channel == "sms" else obj.recipient

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("立即重新发送"))
    def retry_now(self, request, queryset: QuerySet[Notification]) -> None:
        # A fresh set of attempts after the cause (a gateway setting, an outage) has been fixed.
        count = queryset.exclude(status=NotifyStatus.SENT).update(
            status=NotifyStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(request, _("%(count)d 条通知将重新发送") % {"count": count})


@admin.register(SmsGateway)
class SmsGatewayAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "active")
    list_filter = ("active",)
