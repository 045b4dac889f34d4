"""The notification outbox (通知发件箱): one row per message, sent by the worker, never twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case


class NotifyChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")
    INAPP = "inapp", _("站内信")
    WEBHOOK = "webhook", _("Webhook")


class NotifyStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Notification(models.Model):
    channel = models.CharField(_("渠道"), max_length=10, choices=NotifyChannel.choices)
    recipient = models.CharField(_("接收方"), max_length=200)
    template = models.CharField(_("模板"), max_length=50)
    context = models.JSONField(_("内容参数"), default=dict)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications")
    # What makes a message the same message: (case, event, kind). Retries and restarts cannot add a twin.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=NotifyStatus.choices, default=NotifyStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知发件箱")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="notify_due",
                         condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.template}"


class SmsGateway(models.Model):
    """The city's SMS provider, as an HTTP JSON POST built from a template (one active row is used)."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接口地址"))
    # JSON with {phone} and {text} placeholders, e.g. {"mobile": "{phone}", "content": "{text}", "sign": "呼应"}
    body_template = models.JSONField(_("请求体模板"))
    headers = models.JSONField(_("请求头"), default=dict, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("短信网关")
        verbose_name_plural = _("短信网关")

    def __str__(self) -> str:
        return self.name
