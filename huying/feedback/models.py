"""One event, one rating (一事一评): the resident's rating of a resolved case, and the rules around it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.cases.models import Case

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class RatingSource(models.TextChoices):
    RESIDENT = "resident", _("诉求人评价")
    CALLBACK = "callback", _("回访")


class Rating(models.Model):
    """Responsiveness, completion and satisfaction (响应度、办结度、满意度), 1–5, for one round of handling."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ratings")
    # Which handling round it rates: the case's reopen_count when rated (a reopened case is rated again).
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    source = models.CharField(_("来源"), max_length=20, choices=RatingSource.choices, default=RatingSource.RESIDENT)
    responsiveness = models.PositiveSmallIntegerField(_("响应度"), choices=SCORE_CHOICES)
    completion = models.PositiveSmallIntegerField(_("办结度"), choices=SCORE_CHOICES)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), choices=SCORE_CHOICES)
    solved = models.BooleanField(_("问题已解决"))
    comment = models.TextField(_("评价内容"), blank=True)
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            models.UniqueConstraint(fields=["case", "round", "source"], name="one_rating_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.round}"


class Satisfaction(models.TextChoices):
    """A call-back's verdict (回访满意度), in the three levels the hotline asks."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class CallBack(models.Model):
    """An operator's call-back (回访) of one handling round: reached or not and, if reached, the verdict.

    An unreached call-back is kept (the attempt counts for the record) but decides nothing; the latest reached
    call-back or resident rating of a case is its evaluation in the three rates.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="callbacks")
    round = models.PositiveSmallIntegerField(_("轮次"), default=0)
    reached = models.BooleanField(_("已联系上"))
    solved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT,
                                 related_name="+")
    created_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        indexes = [models.Index(fields=["case", "created_at"], name="callback_case_time")]
        constraints = [
            # A reached call-back always carries its verdict; an unreached one carries none.
            models.CheckConstraint(
                condition=(models.Q(reached=True, solved__isnull=False) & ~models.Q(satisfaction=""))
                | models.Q(reached=False, solved__isnull=True, satisfaction=""),
                name="callback_verdict_when_reached"),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.round}"


class ReopenRule(models.TextChoices):
    NEVER = "never", _("不自动重办")
    RATING = "rating", _("诉求人评价未解决时重办")
    CALLBACK = "callback", _("回访未解决时重办")
    EITHER = "either", _("评价或回访未解决时均重办")


class FeedbackPolicy(models.Model):
    """The rules residents rate and reopen by; one row, edited by an administrator."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    rating_window_days = models.PositiveIntegerField(_("评价期限（天）"), default=7)
    reopen_window_days = models.PositiveIntegerField(_("可申请重办期限（天）"), default=7)
    reopen_limit = models.PositiveSmallIntegerField(_("诉求人可重办次数"), default=1)
    # A "not solved" rating or call-back sends the case back (重办) under this rule, within `reopen_limit`.
    reopen_on_not_solved = models.CharField(_("未解决自动重办"), max_length=10, choices=ReopenRule.choices,
                                            default=ReopenRule.EITHER)

    class Meta:
        verbose_name = _("评价与重办规则")
        verbose_name_plural = _("评价与重办规则")

    def __str__(self) -> str:
        return str(_("评价与重办规则"))

    @classmethod
    def current(cls) -> "FeedbackPolicy":
        return cls.objects.get_or_create(pk=1)[0]
