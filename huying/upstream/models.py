"""Upper-level platforms (上级派): who forwards cases to us, and the outbox that reports back to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case, CaseEvent


class UpstreamPlatform(models.Model):
    """A platform that forwards cases (e.g. the city 12345 platform) and wants results back."""

    code = models.CharField(_("编码"), max_length=50, unique=True, help_text=_("写入工单的上游来源"))
    name = models.CharField(_("名称"), max_length=100)
    # The system account whose API token the platform calls with.
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("接口账号"), on_delete=models.PROTECT)
    callback_url = models.URLField(_("回传地址"), blank=True)
    secret = models.CharField(_("签名密钥"), max_length=200, help_text=_("HMAC-SHA256 签名用"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("上级平台")
        verbose_name_plural = _("上级平台")

    def __str__(self) -> str:
        return self.name


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待回传")
    DELIVERED = "delivered", _("已回传")
    FAILED = "failed", _("回传失败")


class UpstreamMessage(models.Model):
    """A status change or result to report back; delivered at least once, in `seq` order per case."""

    platform = models.ForeignKey(UpstreamPlatform, on_delete=models.PROTECT, related_name="messages")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="upstream_messages")
    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("回传消息")
        verbose_name_plural = _("回传发件箱")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="upstream_seq_once")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="upstream_due", condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.seq}"
