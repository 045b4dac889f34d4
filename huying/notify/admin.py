"""The outbox in the admin: what was sent, what is waiting and why a message failed; the inboxes, read-only.

The channels' settings and the message templates have their admins next door (registered on import below).
"""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huying.notify import channel_admin, template_admin  # noqa: F401 — registers their admins
from huying.notify.mail import mask_email
from huying.notify.models import InboxMessage, Notification, NotifyChannel, NotifyStatus, Webhook
from huying.notify.phones import mask_phone
from huying.notify.templates import message_render
from huying.org.models import User

# Channels whose recipient is a row id, shown by that row's name: (model, the field that names it).
NAMED_RECIPIENTS = {NotifyChannel.INAPP: (User, "username"), NotifyChannel.WEBHOOK: (Webhook, "name")}


def recipient_names(rows: list[Notification]) -> dict[tuple[str, str], str]:
    """(channel, recipient) → the username or webhook name, for in-app and webhook rows: one query per channel."""
    names: dict[tuple[str, str], str] = {}
    for channel, (model, field) in NAMED_RECIPIENTS.items():
        ids = {int(n.recipient) for n in rows if n.channel == channel and n.recipient.isdigit()}
        if ids:
            found = model._default_manager.filter(pk__in=ids).values_list("pk", field)
            names.update({(channel, str(pk)): str(name) for pk, name in found})
    return names


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "template", "masked_recipient", "case", "urgent", "status", "attempts",
                    "next_attempt_at", "last_error")
    list_filter = ("status", "channel", "urgent", "template")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"
    # The recipient stays masked here too: the admin needs to see that a message went, not to whom.
    fields = ("channel", "template", "masked_recipient", "case", "urgent", "status", "attempts", "next_attempt_at",
              "last_error", "created_at", "sent_at")
    readonly_fields = fields
    actions = ["retry_now"]

    @admin.display(description=_("接收方"))
    def masked_recipient(self, obj: Notification) -> str:
        if obj.channel == NotifyChannel.SMS:
            return mask_phone(obj.recipient)
        if obj.channel == NotifyChannel.EMAIL:
            return mask_email(obj.recipient)
        names = getattr(obj, "recipient_names", None)  # set for a whole list page at once; else one lookup
        if names is None:
            names = recipient_names([obj])
        return names.get((obj.channel, obj.recipient), obj.recipient)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # evaluates the page's queryset once; the template reuses its cache
        names = recipient_names(rows)
        for row in rows:
            row.recipient_names = names  # type: ignore[attr-defined]
        return changelist

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "GET" and request.GET.get("status__exact") != NotifyStatus.FAILED:
            self._warn_of_failures(request)
        return super().changelist_view(request, extra_context)

    def _warn_of_failures(self, request: HttpRequest) -> None:
        failed = Notification.objects.filter(status=NotifyStatus.FAILED).count()
        if failed:
            url = reverse("admin:notify_notification_changelist") + f"?status__exact={NotifyStatus.FAILED}"
            self.message_user(request, format_html(gettext('有 {count} 条通知发送失败，<a href="{url}">查看</a>'),
                                                   count=failed, url=url), level=messages.WARNING)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("立即重新发送"))
    def retry_now(self, request, queryset: QuerySet[Notification]) -> None:
        # A fresh set of attempts after the cause (a gateway setting, an outage) has been fixed. Failed rows
        # only: a pending one may be in a sender's hands right now, and resetting it would send it twice.
        count = queryset.filter(status=NotifyStatus.FAILED).update(
            status=NotifyStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(request, _("%(count)d 条通知将重新发送") % {"count": count})


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    """Read-only: an inbox line is written by the in-app sender and read by its owner."""

    list_display = ("created_at", "user", "case", "template", "read_at")
    list_select_related = ("user", "case", "notification")
    list_filter = ("notification__template",)
    search_fields = ("user__username", "case__number")
    date_hierarchy = "created_at"
    fields = ("created_at", "user", "case", "template", "text", "read_at")
    readonly_fields = fields

    @admin.display(description=_("模板"))
    def template(self, obj: InboxMessage) -> str:
        return obj.notification.template

    @admin.display(description=_("内容"))
    def text(self, obj: InboxMessage) -> str:
        context = {**obj.notification.context, "language": obj.user.language}  # as its reader sees it
        try:
            return message_render(obj.notification.template, context)
        except (KeyError, ValueError, IndexError) as exc:
            return f"{type(exc).__name__}: {exc}"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
