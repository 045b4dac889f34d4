"""The three rates' ledger (考核台账): one measure row per case, and per-unit monthly rollups kept up to date.

A case's measure (`CaseMeasure`) says how it counts: in which month, for which accountable unit, whether it
was responded to in time, and its latest evaluation. `UnitRollup` holds the sums of those measures per unit
and month, for both period rules (by creation and by resolution), so that a ranking reads a few hundred rows.
Both are written only by `huying.analytics.refresh`, from the case rows: never edited by hand.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case
from huying.org.models import Unit


class PeriodBasis(models.TextChoices):
    CREATED = "created", _("按受理时间统计")
    RESOLVED = "resolved", _("按办结时间统计")


class BandMetric(models.TextChoices):
    SATISFIED = "satisfied", _("满意率")
    COMPOSITE = "composite", _("综合得分")


class MeasureSettings(models.Model):
    """The definitions the rates are read by (考核口径); one row, edited by an administrator.

    Weights and bands apply when a page is read, so a change shows at once. The score bands for a resident's
    rating change how cases count: saving them marks every measure for recomputation by the worker.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    period_basis = models.CharField(_("统计口径"), max_length=10, choices=PeriodBasis.choices,
                                    default=PeriodBasis.CREATED)
    weight_response = models.PositiveSmallIntegerField(_("响应率权重"), default=10)
    weight_solved = models.PositiveSmallIntegerField(_("解决率权重"), default=45)
    weight_satisfied = models.PositiveSmallIntegerField(_("满意率权重"), default=45)
    basic_weight = models.DecimalField(_("基本满意折算系数"), max_digits=3, decimal_places=2, default=1,
                                       help_text=_("一件“基本满意”按几件“满意”计入满意率，0至1"))
    satisfied_min_score = models.PositiveSmallIntegerField(_("满意的最低评分"), default=4)
    basic_min_score = models.PositiveSmallIntegerField(_("基本满意的最低评分"), default=3)
    band_metric = models.CharField(_("红黑榜依据"), max_length=10, choices=BandMetric.choices,
                                   default=BandMetric.SATISFIED)
    good_band = models.DecimalField(_("红榜线（%）"), max_digits=5, decimal_places=2, default=85)
    failing_band = models.DecimalField(_("黑榜线（%）"), max_digits=5, decimal_places=2, default=75)
    band_min_evaluated = models.PositiveIntegerField(_("上榜最少评价件数"), default=1,
                                                     help_text=_("评价件数少于此数的单位照常排名，但不进红黑榜"))

    class Meta:
        verbose_name = _("考核口径")
        verbose_name_plural = _("考核口径")

    def __str__(self) -> str:
        return str(_("考核口径"))

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.weight_response + self.weight_solved + self.weight_satisfied != 100:
            errors["weight_satisfied"] = _("三项权重之和须为100")
        if not 0 <= self.basic_weight <= 1:
            errors["basic_weight"] = _("折算系数须在0至1之间")
        if not 1 <= self.basic_min_score <= self.satisfied_min_score <= 5:
            errors["basic_min_score"] = _("评分界限须满足 1 ≤ 基本满意 ≤ 满意 ≤ 5")
        for name in ("good_band", "failing_band"):
            if not 0 <= getattr(self, name) <= 100:
                errors[name] = _("红黑榜线须在0至100之间")
        if "failing_band" not in errors and self.failing_band > self.good_band:
            errors["failing_band"] = _("黑榜线不能高于红榜线")
        if errors:
            raise ValidationError(errors)

    def bands_differ(self, other: "MeasureSettings") -> bool:
        """Whether the score bands (which change how a rating counts) differ from `other`'s."""
        return (self.satisfied_min_score, self.basic_min_score) != (other.satisfied_min_score, other.basic_min_score)

    @classmethod
    def current(cls) -> "MeasureSettings":
        return cls.objects.get_or_create(pk=1)[0]


class Response(models.IntegerChoices):
    NONE = 0, _("无响应时限")
    PENDING = 1, _("未到响应时限")
    ON_TIME = 2, _("按时响应")
    LATE = 3, _("超时响应")
    MISSED = 4, _("超时未响应")


class Verdict(models.IntegerChoices):
    NONE = 0, _("未评价")
    UNSATISFIED = 1, _("不满意")
    BASIC = 2, _("基本满意")
    SATISFIED = 3, _("满意")


class CaseMeasure(models.Model):
    """How one case counts (考核台账), as last computed from the case and its evaluations.

    `refresh_at` is the timer: set to now by every case event, and to the response deadline while a response
    is still awaited (the case turns from pending to missed then without any event of its own).
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="measure")
    computed_at = models.DateTimeField(null=True, blank=True)  # null: marked, never computed, counts nowhere
    refresh_at = models.DateTimeField(null=True, blank=True)
    # The accountable unit (考核对象): the unit holding the case, else the deepest unit of its place.
    handler = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                db_constraint=False)
    # The handler's path when the measure was computed: the rollup rows it was added to are exactly these units,
    # so it is taken out of the same rows even if the organisation tree changed since.
    handler_path = models.CharField(max_length=255, blank=True)
    # The path of the unit answerable for the response deadline (响应责任单位), kept like the handler's: the response
    # counters went to these units, all the others to the handler's.
    response_path = models.CharField(max_length=255, blank=True)
    created_month = models.PositiveIntegerField(default=0)  # yyyymm in local time
    resolved_month = models.PositiveIntegerField(null=True, blank=True)
    exclusion = models.CharField(max_length=24, blank=True)  # why it does not count, or empty
    proactive = models.BooleanField(default=False)
    response = models.PositiveSmallIntegerField(choices=Response.choices, default=Response.NONE)
    resolved = models.BooleanField(default=False)
    resolved_on_time = models.BooleanField(default=False)
    solved = models.BooleanField(null=True, blank=True)  # null: no evaluation yet
    verdict = models.PositiveSmallIntegerField(choices=Verdict.choices, default=Verdict.NONE)
    evaluation_source = models.CharField(max_length=10, blank=True)  # resident or callback
    response_minutes = models.PositiveIntegerField(null=True, blank=True)
    completion_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Copies for the analytics pages, so their group-bys read this narrow table instead of the cases.
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", db_constraint=False)
    channel = models.CharField(max_length=20, blank=True)
    street = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               db_constraint=False)

    class Meta:
        verbose_name = _("考核台账")
        verbose_name_plural = _("考核台账")
        indexes = [
            models.Index(fields=["refresh_at"], name="measure_refresh_due",
                         condition=models.Q(refresh_at__isnull=False)),
            # The drill-down (and the bulletin's category counts): a month and a prefix of the kept path, the very
            # rule the rollups follow. varchar_pattern_ops lets PostgreSQL's LIKE 'prefix%' use the index whatever
            # the database's collation; SQLite ignores the operator class.
            models.Index(fields=["created_month", "handler_path"], name="measure_created_path",
                         opclasses=["int4_ops", "varchar_pattern_ops"]),
            models.Index(fields=["resolved_month", "handler_path"], name="measure_resolved_path",
                         opclasses=["int4_ops", "varchar_pattern_ops"]),
            models.Index(fields=["created_month", "response_path"], name="measure_created_response",
                         opclasses=["int4_ops", "varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return str(self.case_id)


class UnitRollup(models.Model):
    """The sums of the measures of one unit's cases (its own and its subtree's) in one month, by one period rule."""

    basis = models.CharField(max_length=10, choices=PeriodBasis.choices)
    month = models.PositiveIntegerField()  # yyyymm
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    cases = models.IntegerField(default=0)  # counted in the rates
    excluded = models.IntegerField(default=0)
    proactive = models.IntegerField(default=0)
    response_due = models.IntegerField(default=0)
    response_on_time = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    evaluated = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("单位月度汇总")
        verbose_name_plural = _("单位月度汇总")
        constraints = [models.UniqueConstraint(fields=["basis", "month", "unit"], name="rollup_once")]

    def __str__(self) -> str:
        return f"{self.basis}:{self.month}:{self.unit_id}"


COUNTERS = ("cases", "excluded", "proactive", "response_due", "response_on_time", "resolved", "resolved_on_time",
            "evaluated", "solved", "satisfied", "basic")


from huying.analytics.models_bulletin import *  # noqa: E402,F401,F403  (the bulletin's models, in their own file)
