"""Proactive work: grid workers' patrols (网格巡查) — found problems are cases with proactive=True."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huying.org.models import Unit


class Patrol(models.Model):
    """One patrol of a grid by a grid worker, from start to stop; its duration counts toward the daily rule."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT,
                               related_name="patrols")
    grid = models.ForeignKey(Unit, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="patrols")
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-started_at"]
        constraints = [
            # A worker walks one patrol at a time.
            models.UniqueConstraint(fields=["worker"], condition=models.Q(ended_at=None), name="one_open_patrol"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"
