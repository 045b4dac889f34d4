"""What each running worker last said about itself (心跳): administrators see that the periodic work runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """One row per worker process, updated after each pass of each of its duties."""

    name = models.CharField(_("名称"), max_length=100, unique=True, help_text=_("主机名:进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"))
    # duty → {"passes", "done", "last_ms", "last_error"}: what each loop did last.
    duties = models.JSONField(_("任务情况"), default=dict)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务进程")
        verbose_name_plural = _("后台任务进程")
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return self.name
