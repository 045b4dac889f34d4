"""Intake configuration: malicious callers (恶意来电) and monitored opinion feeds (舆情)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.catalog.models import Category, RequestType
from huying.notify.phones import mask_phone


class BlockedCaller(models.Model):
    """A phone number refused on public channels until `expires_at`, with the reason (恶意来电黑名单)."""

    phone = models.CharField(_("电话"), max_length=30, db_index=True)
    reason = models.CharField(_("原因"), max_length=200)
    expires_at = models.DateTimeField(_("到期时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("恶意来电")
        verbose_name_plural = _("恶意来电黑名单")

    def __str__(self) -> str:
        # Masked: str() lands in the admin's action labels and its change log (django_admin_log), kept for years.
        return mask_phone(self.phone)


class FeedKind(models.TextChoices):
    RSS = "rss", "RSS / Atom"
    JSON = "json", "JSON"


class OpinionFeed(models.Model):
    """A monitored feed (舆情监测) whose new items become cases, once each."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("地址"))
    kind = models.CharField(_("格式"), max_length=10, choices=FeedKind.choices, default=FeedKind.RSS)
    # For JSON feeds: where the list of items is and which keys hold id, title, text, link (dotted paths).
    json_mapping = models.JSONField(_("JSON 字段映射"), default=dict, blank=True)
    request_type = models.ForeignKey(RequestType, verbose_name=_("诉求类型"), on_delete=models.PROTECT)
    category = models.ForeignKey(Category, verbose_name=_("默认分类"), null=True, blank=True,
                                 on_delete=models.PROTECT)
    active = models.BooleanField(_("启用"), default=True)
    poll_minutes = models.PositiveIntegerField(_("轮询间隔（分钟）"), default=15)
    last_polled_at = models.DateTimeField(_("上次轮询"), null=True, blank=True)
    last_error = models.TextField(_("上次错误"), blank=True)

    class Meta:
        verbose_name = _("舆情源")
        verbose_name_plural = _("舆情源")

    def __str__(self) -> str:
        return self.name
