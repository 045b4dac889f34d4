"""What triage keeps: the trained models (研判模型) with their versions, and the settings an administrator tunes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from huying.lib.fresh import Fresh


class Target(models.TextChoices):
    CATEGORY = "category", _("问题分类")
    REQUEST_TYPE = "request_type", _("诉求类型")


class TriageModel(models.Model):
    """One trained classifier. At most one per target is active; every case records the version that suggested.

    The model file itself is stored in the row (a few MB), so the web and worker processes of every server read
    the same model, and activating a new one is one transaction.
    """

    target = models.CharField(_("预测对象"), max_length=20, choices=Target.choices, default=Target.CATEGORY)
    version = models.CharField(_("版本"), max_length=40, unique=True)
    blob = models.BinaryField(_("模型文件"))
    sha256 = models.CharField(max_length=64)
    source = models.CharField(_("训练来源"), max_length=200, help_text=_("训练数据：文件名或“历史工单”"))
    n = models.PositiveIntegerField(_("训练样本数"))
    classes = models.JSONField(_("类别"), default=list)
    metrics = models.JSONField(_("评估结果"), default=dict, blank=True)
    active = models.BooleanField(_("启用"), default=False)
    trained_at = models.DateTimeField(_("训练时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("研判模型")
        verbose_name_plural = _("研判模型")
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(fields=["target"], condition=models.Q(active=True), name="one_active_model"),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.version}"


SHARE = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class TriageSettings(models.Model):
    """The one row of triage settings (研判设置): when to trust the model and when two cases are one matter."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    auto_classify = models.BooleanField(
        _("自动分类"), default=True, help_text=_("来件未选分类时，按模型或关键词建议自动分类并派单"))
    min_confidence = models.FloatField(
        _("自动分类最低置信度"), default=0.6, validators=SHARE,
        help_text=_("首选建议的置信度低于此值时，工单不自动分类，留待人工研判（0–1）"))
    duplicate_filter = models.BooleanField(
        _("启用案件过滤器"), default=True, help_text=_("关闭后新工单不再查重（不提示疑似重复，也不自动并单）"))
    auto_merge = models.BooleanField(_("自动并单"), default=True,
                                     help_text=_("重复度达到自动并单阈值时，新工单并入已有工单并告知来电人进展"))
    merge_score = models.FloatField(_("自动并单阈值"), default=0.9, validators=SHARE,
                                    help_text=_("0–1，越高越严格"))
    suggest_score = models.FloatField(_("疑似重复提示阈值"), default=0.6, validators=SHARE,
                                      help_text=_("0–1，介于两阈值之间提示人工判断"))
    window_hours = models.PositiveIntegerField(_("查重时间窗（小时）"), default=72,
                                               validators=[MinValueValidator(1), MaxValueValidator(24 * 90)])
    distance_m = models.PositiveIntegerField(_("查重距离（米）"), default=50,
                                             validators=[MinValueValidator(1), MaxValueValidator(5000)])

    class Meta:
        verbose_name = _("研判设置")
        verbose_name_plural = _("研判设置")

    def __str__(self) -> str:
        return str(_("研判设置"))

    def clean(self) -> None:
        if self.suggest_score > self.merge_score:
            raise ValidationError({"suggest_score": _("疑似重复提示阈值不能高于自动并单阈值")})

    @classmethod
    def current(cls) -> "TriageSettings":
        """The settings in force: read at most every few seconds per process (every new case asks)."""
        return _current.get()


_current: Fresh[TriageSettings] = Fresh(lambda: TriageSettings.objects.get_or_create(pk=1)[0], ttl=10)


@receiver([post_save, post_delete], sender=TriageSettings, dispatch_uid="triage.settings_changed")
def settings_changed(**_kwargs: object) -> None:
    _current.forget()
