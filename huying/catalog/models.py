"""What a matter is (category, request type), how urgent its handling is (tier), and who handles it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.lib.i18n import LocalNamed
from huying.org.models import Unit, UnitKind


class Category(LocalNamed, models.Model):
    """A node of the three-level category tree (一级/二级/三级分类)."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("层级"), editable=False, default=1)
    keywords = models.TextField(_("关键词"), blank=True, help_text=_("以逗号或空格分隔，用于冷启动分类"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs) -> None:
        self.level = self.parent.level + 1 if self.parent else 1
        super().save(*args, **kwargs)
        for child in self.children.exclude(level=self.level + 1):  # a moved category carries its subtree along
            child.save()

    def clean(self) -> None:
        if self.parent and self.parent.level >= 3:
            raise ValidationError({"parent": _("分类最多三级")})

    def lineage(self) -> list["Category"]:
        """Self and its ancestors, nearest first."""
        chain: list[Category] = []
        node: Category | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class RequestType(LocalNamed, models.Model):
    """咨询/求助/投诉/举报/建议/表扬 — what the person wants, orthogonal to the category."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20)
    name_en = models.CharField(_("英文名称"), max_length=40, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求类型")
        verbose_name_plural = _("诉求类型")
        ordering = ["sort"]

    def __str__(self) -> str:
        return self.name


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟（自然时间）")
    HOURS = "hours", _("小时（自然时间）")
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")
    DAYS = "days", _("自然日")


class DeadlineSpec(models.Model):
    """Time to first response and time to completion, each an amount of a duration unit."""

    response_amount = models.PositiveIntegerField(_("响应时限"))
    response_unit = models.CharField(_("响应时限单位"), max_length=20, choices=DurationUnit.choices)
    completion_amount = models.PositiveIntegerField(_("办结时限"))
    completion_unit = models.CharField(_("办结时限单位"), max_length=20, choices=DurationUnit.choices)

    class Meta:
        abstract = True


class Tier(LocalNamed, DeadlineSpec):
    """A line of the tiered-response list (分级响应清单): handling level and default deadlines."""

    code = models.CharField(_("编码"), max_length=10, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    handling_level = models.CharField(
        _("处置层级"),
        max_length=20,
        choices=[(k.value, k.label) for k in (UnitKind.GRID, UnitKind.COMMUNITY, UnitKind.STREET,
                                               UnitKind.DISTRICT, UnitKind.CITY)],
    )
    return_window_hours = models.PositiveIntegerField(_("退单时限（小时）"), default=2)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("响应分级")
        verbose_name_plural = _("响应分级")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TierDeadline(DeadlineSpec):
    """A request type's own deadlines within a tier, overriding the tier's defaults (e.g. 咨询 faster)."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="deadlines")
    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("分类型时限")
        verbose_name_plural = _("分类型时限")
        constraints = [models.UniqueConstraint(fields=["tier", "request_type"], name="tier_deadline_unique")]


class DispatchRule(models.Model):
    """A line of the dispatch catalogue (派单目录): (category, type, place) → tier and department.

    The most specific active rule wins: a deeper category beats its parent, a rule naming a request
    type or an area beats one that does not, and `priority` breaks what is left.
    """

    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.CASCADE)
    request_type = models.ForeignKey(
        RequestType, verbose_name=_("诉求类型"), null=True, blank=True, on_delete=models.CASCADE
    )
    area = models.ForeignKey(
        Unit, verbose_name=_("适用区域"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text=_("留空则全区适用"),
    )
    tier = models.ForeignKey(Tier, verbose_name=_("响应分级"), on_delete=models.PROTECT)
    department = models.ForeignKey(
        Unit, verbose_name=_("责任部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    priority = models.IntegerField(_("优先级"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单目录")

    def __str__(self) -> str:
        return f"{self.category} → {self.tier.code}"

    def clean(self) -> None:
        # A functional-department matter must not be pushed down to a community or grid (不得下沉).
        if self.department_id and self.tier_id and self.tier.handling_level in (UnitKind.GRID, UnitKind.COMMUNITY):
            raise ValidationError({"tier": _("职能部门事项不得下派至社区或网格，请选择区级或市级分级")})
        if self.department is not None and self.department.is_territorial:
            raise ValidationError({"department": _("责任部门必须是职能部门或公用事业单位")})


class CalendarDay(models.Model):
    """An administrator's override of the statutory calendar: a holiday or a make-up working day (调休)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'}"


class WorkingPeriod(models.Model):
    """One stretch of the working day (e.g. 9:00–12:00 and 13:30–17:30) for working-hour deadlines."""

    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("工作时段")
        verbose_name_plural = _("工作时段")
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class DeadlineKind(models.TextChoices):
    """The deadlines a case can have running, each with its own timer (时限)."""

    RESPONSE = "response", _("首次响应时限")
    COMPLETION = "completion", _("办结时限")
    RETURN_WINDOW = "return_window", _("退单时限")
    REPORT_BACK = "report_back", _("吹哨报到时限")
    EXTENSION = "extension", _("延期到期")
    SUPERVISION = "supervision", _("督办回复")


class StepAction(models.TextChoices):
    REMIND = "remind", _("提醒承办人")
    ALERT_HEAD = "alert_head", _("告警单位负责人")
    OVERDUE = "overdue", _("标记超时")
    ESCALATE = "escalate", _("自动上报上一级")


# The deadlines whose passing may move the case up a level (a late report-back or reply does not).
ESCALATING_KINDS = (DeadlineKind.RESPONSE, DeadlineKind.COMPLETION, DeadlineKind.EXTENSION)

# The channels a step may use (the notify app sends them; webhooks subscribe to events instead).
STEP_CHANNELS = ("inapp", "sms", "email")


class TimerStep(models.Model):
    """A line of the reminder and escalation policy (催办与升级规则): when, for which deadline, what happens.

    A tier with steps of its own for a kind of deadline uses only those; other tiers use the lines that name
    no tier. "When" is either a share of the time gone (50 = half) or minutes from the deadline (negative:
    before it; 0: as it passes), optionally repeating while the deadline is running (督办 daily).
    """

    tier = models.ForeignKey(Tier, verbose_name=_("响应分级"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="timer_steps", help_text=_("留空则适用于未单独配置的所有分级"))
    kind = models.CharField(_("时限类型"), max_length=20, choices=DeadlineKind.choices)
    action = models.CharField(_("动作"), max_length=20, choices=StepAction.choices)
    elapsed_percent = models.PositiveSmallIntegerField(_("已用时比例（%）"), null=True, blank=True,
                                                       help_text=_("如 50 表示时限过半时"))
    minutes_from_deadline = models.IntegerField(_("距时限分钟数"), null=True, blank=True,
                                                help_text=_("负数为到期前，0 为到期时，正数为到期后"))
    repeat_minutes = models.PositiveIntegerField(_("重复间隔（分钟）"), null=True, blank=True,
                                                 help_text=_("留空则只执行一次；如 1440 表示每天重复，直至时限结束"))
    channels = models.CharField(_("通知渠道"), max_length=50, default="inapp",
                                help_text=_("以逗号分隔：inapp（站内信）、sms（短信）、email（邮件）"))
    urgent = models.BooleanField(_("紧急"), default=False, help_text=_("紧急通知不受短信免打扰时段限制"))
    escalate_tier = models.ForeignKey(Tier, verbose_name=_("升级后分级"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      help_text=_("自动上报后按此分级重新计算时限；留空则沿用原分级"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("催办与升级规则")
        verbose_name_plural = _("催办与升级规则")
        ordering = ["kind", "tier__sort", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_action_display()}"

    def channel_list(self) -> list[str]:
        return [c for c in (part.strip() for part in self.channels.split(",")) if c]

    def clean(self) -> None:
        if (self.elapsed_percent is None) == (self.minutes_from_deadline is None):
            raise ValidationError({"elapsed_percent": _("“已用时比例”与“距时限分钟数”须填写且只填写其中一项")})
        if self.elapsed_percent is not None and not 1 <= self.elapsed_percent <= 100:
            raise ValidationError({"elapsed_percent": _("已用时比例须在 1 到 100 之间")})
        unknown = [c for c in self.channel_list() if c not in STEP_CHANNELS]
        if unknown:
            raise ValidationError({"channels": _("未知的通知渠道：%(names)s") % {"names": "、".join(unknown)}})
        if self.action == StepAction.ESCALATE and self.kind not in ESCALATING_KINDS:
            raise ValidationError({"action": _("只有首次响应、办结和延期时限可以自动上报")})
        if self.escalate_tier_id and self.action != StepAction.ESCALATE:
            raise ValidationError({"escalate_tier": _("只有“自动上报”动作可以指定升级后分级")})
        if self.repeat_minutes == 0:
            raise ValidationError({"repeat_minutes": _("重复间隔须大于 0")})
