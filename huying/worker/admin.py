"""The workers in the admin, read-only: who runs, when each last beat, and what each duty did (后台任务进程)."""

import datetime as dt

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huying.worker.models import WorkerBeat

# A running worker writes its beat after every pass (every few seconds); silence this long means it is gone
# or stuck, and timers are not being acted on by it.
STALE_AFTER = dt.timedelta(minutes=2)


def is_stale(beat: WorkerBeat, now: dt.datetime) -> bool:
    return beat.stopped_at is None and beat.beat_at < now - STALE_AFTER


def duty_summary(name: str, entry: dict) -> str:
    """One duty's line, counts only: passes, work done, the last pass's time and, while failing, its error."""
    line = gettext("%(duty)s：%(passes)s 轮，处理 %(done)s，上轮 %(ms)s 毫秒") % {
        "duty": name, "passes": entry.get("passes", 0), "done": entry.get("done", 0), "ms": entry.get("last_ms", "-")}
    if entry.get("last_error"):
        line += gettext("，出错：%(error)s") % {"error": entry["last_error"]}
    return line


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "started_at", "beat_at", "duties_summary")
    readonly_fields = ("name", "state", "started_at", "beat_at", "stopped_at", "duties_summary")
    fields = readonly_fields

    @admin.display(description=_("状态"))
    def state(self, beat: WorkerBeat) -> str:
        if beat.stopped_at is not None:
            return gettext("已停止")
        if is_stale(beat, timezone.now()):
            return gettext("⚠ 超过 %(minutes)d 分钟无心跳") % {"minutes": int(STALE_AFTER.total_seconds() // 60)}
        return gettext("运行中")

    @admin.display(description=_("任务情况"))
    def duties_summary(self, beat: WorkerBeat) -> str:
        return "；".join(duty_summary(name, entry) for name, entry in sorted(beat.duties.items())) or "-"

    # Rows are written by the workers only; a person may clear away the row of a worker that is gone.
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: WorkerBeat | None = None) -> bool:
        if obj is not None and obj.stopped_at is None and not is_stale(obj, timezone.now()):
            return False
        return super().has_delete_permission(request, obj)
