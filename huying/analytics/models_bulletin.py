"""Monthly bulletins (月度通报): the generated files, and the administrator's schedule that e-mails them.

The files are internal documents: they are kept in the database (not under MEDIA, which the web server may
serve to anyone) and handed out only by the bulletin views, to supervising staff of the area.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.analytics.models import PeriodBasis
from huying.org.models import Unit

__all__ = ["Bulletin", "BulletinSchedule", "recipients_of"]


class Bulletin(models.Model):
    """One generated month of one area (a district, or the whole tree), by one period rule; generating the same
    month again replaces the files (the latest figures win: late evaluations still move a past month)."""

    area = models.ForeignKey(Unit, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    month = models.PositiveIntegerField(_("月份"))  # yyyymm, as in the rollups
    basis = models.CharField(_("统计口径"), max_length=10, choices=PeriodBasis.choices)
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    xlsx = models.BinaryField(_("Excel 文件"))
    pdf = models.BinaryField(_("PDF 文件"))

    class Meta:
        verbose_name = _("月度通报")
        verbose_name_plural = _("月度通报")
        ordering = ["-month", "area__path", "basis"]
        constraints = [models.UniqueConstraint(fields=["area", "month", "basis"], name="bulletin_once_a_month")]

    def __str__(self) -> str:
        return f"{self.month_label} {self.area_id}"

    @property
    def month_label(self) -> str:
        return f"{self.month // 100}-{self.month % 100:02d}"


def recipients_of(text: str) -> list[str]:
    """The addresses in a recipients field: one a line, or separated by commas or semicolons."""
    for separator in ",;，；":
        text = text.replace(separator, "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


class BulletinSchedule(models.Model):
    """When the bulletin of the month just ended is generated and e-mailed (one row, set by an administrator).

    `last_run_month` is the claim: a run takes a month by moving it forward with a conditional UPDATE, so two
    workers never send the same month twice.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    enabled = models.BooleanField(_("启用"), default=False)
    day_of_month = models.PositiveSmallIntegerField(
        _("每月几号"), default=3, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1至28日；在这一天生成上个月的通报"))
    hour = models.PositiveSmallIntegerField(_("几点"), default=8, validators=[MaxValueValidator(23)],
                                            help_text=_("0至23时（北京时间）"))
    area = models.ForeignKey(Unit, verbose_name=_("范围"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text=_("留空则为唯一的区（有多个区时为最上级单位）"))
    recipients = models.TextField(_("收件人"), blank=True, help_text=_("电子邮件地址，每行一个"))
    last_run_month = models.PositiveIntegerField(_("最近发送的月份"), default=0, editable=False)  # yyyymm
    last_sent_at = models.DateTimeField(_("最近发送时间"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("最近一次错误"), blank=True, editable=False)

    class Meta:
        verbose_name = _("通报发送计划")
        verbose_name_plural = _("通报发送计划")

    def __str__(self) -> str:
        return str(_("通报发送计划"))

    def clean(self) -> None:
        addresses = recipients_of(self.recipients)
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError({"recipients": _("收件人地址无效：%(address)s") % {"address": address}}) from None
        if self.enabled and not addresses:
            raise ValidationError({"recipients": _("启用发送计划时至少填写一个收件人")})

    @property
    def last_run_label(self) -> str:
        return f"{self.last_run_month // 100}-{self.last_run_month % 100:02d}" if self.last_run_month else ""

    @classmethod
    def current(cls) -> "BulletinSchedule":
        return cls.objects.get_or_create(pk=1)[0]
