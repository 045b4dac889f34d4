"""One event, one rating (一事一评): the resident's rating of a resolved case, and the rules around it."""

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


class FeedbackPolicy(models.Model):
    """The rules residents rate and reopen by; one row, edited by an administrator."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    rating_window_days = models.PositiveIntegerField(_("评价期限（天）"), default=7)
    reopen_window_days = models.PositiveIntegerField(_("可申请重办期限（天）"), default=7)
    reopen_limit = models.PositiveSmallIntegerField(_("诉求人可重办次数"), default=1)

    class Meta:
        verbose_name = _("评价与重办规则")
        verbose_name_plural = _("评价与重办规则")

    def __str__(self) -> str:
        return str(_("评价与重办规则"))

    @classmethod
    def current(cls) -> "FeedbackPolicy":
        return cls.objects.get_or_create(pk=1)[0]
