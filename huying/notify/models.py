"""The notification outbox (通知发件箱): one row per message, sent by the worker, never twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case
from huying.org.models import User


class NotifyChannel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")
    INAPP = "inapp", _("站内信")
    WEBHOOK = "webhook", _("Webhook")


class NotifyStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    EXPIRED = "expired", _("已过期未发")


class Notification(models.Model):
    channel = models.CharField(_("渠道"), max_length=10, choices=NotifyChannel.choices)
    recipient = models.CharField(_("接收方"), max_length=200)
    template = models.CharField(_("模板"), max_length=50)
    context = models.JSONField(_("内容参数"), default=dict)
    case = models.ForeignKey(Case, verbose_name=_("工单"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="notifications")
    # What makes a message the same message: (case, event, kind). Retries and restarts cannot add a twin.
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=NotifyStatus.choices, default=NotifyStatus.PENDING)
    # Urgent messages (emergencies, urgent steps) ignore the SMS quiet hours.
    urgent = models.BooleanField(_("紧急"), default=False)
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
    # Quiet hours (免打扰时段, Beijing time): non-urgent texts wait until they end. Both empty: none.
    quiet_from = models.TimeField(_("免打扰开始"), null=True, blank=True, help_text=_("如 22:00"))
    quiet_until = models.TimeField(_("免打扰结束"), null=True, blank=True, help_text=_("如 08:00"))

    class Meta:
        verbose_name = _("短信网关")
        verbose_name_plural = _("短信网关")

    def __str__(self) -> str:
        return self.name


class InboxMessage(models.Model):
    """A staff member's in-app message (站内信), delivered by the in-app sender from an outbox row.

    The text is rendered when it is shown, in the reader's language, from the notification's template.
    """

    notification = models.OneToOneField(Notification, on_delete=models.CASCADE, related_name="inbox")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox_user_time"),
            models.Index(fields=["user"], name="inbox_user_unread", condition=models.Q(read_at__isnull=True)),
        ]


class MailServer(models.Model):
    """The SMTP server e-mail goes out through (one active row is used), sent with Django's SMTP backend."""

    name = models.CharField(_("名称"), max_length=100)
    host = models.CharField(_("服务器"), max_length=200)
    port = models.PositiveIntegerField(_("端口"), default=25)
    username = models.CharField(_("用户名"), max_length=200, blank=True)
    password = models.CharField(_("密码"), max_length=200, blank=True)
    use_tls = models.BooleanField(_("STARTTLS"), default=False)
    use_ssl = models.BooleanField(_("SSL"), default=False)
    from_email = models.EmailField(_("发件人地址"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("邮件服务器")
        verbose_name_plural = _("邮件服务器")

    def __str__(self) -> str:
        return f"{self.name} ({self.host}:{self.port})"


class Webhook(models.Model):
    """Another system told about case events by a signed JSON POST (e.g. the city's 一网统管 platform)."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"))
    secret = models.CharField(_("签名密钥"), max_length=200, help_text=_("用于 HMAC-SHA256 签名，接收方据此验证来源"))
    actions = models.CharField(_("订阅的事件"), max_length=500, blank=True,
                               help_text=_("以逗号分隔的工单动作，如 remind,overdue,auto_escalate；留空则订阅全部"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("Webhook")
        verbose_name_plural = _("Webhook")

    def __str__(self) -> str:
        return self.name

    def wants(self, action: str) -> bool:
        wanted = {a.strip() for a in self.actions.split(",") if a.strip()}
        return not wanted or action in wanted


class MessageTemplate(models.Model):
    """An administrator's wording of a message (消息模板) in one language; {placeholders} are filled in."""

    code = models.CharField(_("模板"), max_length=50)
    language = models.CharField(_("语言"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")])
    subject = models.CharField(_("邮件标题"), max_length=200, blank=True)
    text = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        ordering = ["code", "language"]
        constraints = [models.UniqueConstraint(fields=["code", "language"], name="template_once_per_language")]

    def __str__(self) -> str:
        return f"{self.code} ({self.language})"
