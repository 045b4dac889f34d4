"""This process's heartbeat row (心跳): written after every pass, by whichever duty thread ran it."""

import datetime as dt
import logging
import os
import socket
import threading
from typing import Any

from django.utils import timezone

from huying.worker.models import WorkerBeat

logger = logging.getLogger(__name__)

# Rows of workers that stopped (or died) this long ago are removed when a worker starts.
KEEP_GONE = dt.timedelta(days=7)
ERROR_MAX = 500


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class Beat:
    """The duties' counters live here; each write sends the whole picture, so threads never undo each other."""

    def __init__(self, name: str):
        self.name = name
        self.started_at = timezone.now()
        self.duties: dict[str, dict[str, Any]] = {}
        # Held across the database write too: two threads' writes must land in the order their snapshots
        # were taken, or an older picture could overwrite a newer one.
        self.lock = threading.Lock()

    def start(self) -> None:
        now = self.started_at = timezone.now()
        WorkerBeat.objects.filter(beat_at__lt=now - KEEP_GONE).delete()
        # The same name again is a new process that was given an old pid: it starts a fresh row.
        WorkerBeat.objects.update_or_create(name=self.name, defaults={
            "started_at": now, "beat_at": now, "duties": {}, "stopped_at": None})

    def record(self, duty: str, *, done: int, ms: float, error: str = "") -> None:
        """Count one pass of `duty`; `error` (a failed pass) stays shown until a later pass succeeds."""
        with self.lock:
            now = timezone.now()
            entry = self.duties.setdefault(duty, {"passes": 0, "done": 0, "errors": 0})
            entry["passes"] += 1
            entry["done"] += done
            entry["errors"] += 1 if error else 0
            entry.update(last_ms=round(ms, 1), last_error=error[:ERROR_MAX], at=now.isoformat())
            self._write(beat_at=now, duties=self.duties)

    def stop(self) -> None:
        with self.lock:
            now = timezone.now()
            self._write(beat_at=now, duties=self.duties, stopped_at=now)

    def _write(self, **fields: Any) -> None:
        try:
            if not WorkerBeat.objects.filter(name=self.name).update(**fields):
                # An administrator deleted the row of a worker that is still running: it comes back.
                WorkerBeat.objects.create(name=self.name, started_at=self.started_at, **fields)
        except Exception as exc:  # the database is away: the work itself reports that; the beat waits
            logger.warning("worker beat %s not written: %s", self.name, type(exc).__name__)
