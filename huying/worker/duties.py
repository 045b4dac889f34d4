"""The worker's duties (后台任务): what one pass of each periodic job does, and how often it runs.

Each pass returns an Outcome: how much it acted on (0 = idle), whether it stopped at its limit with more
waiting (then the loop goes again at once instead of sleeping), and a one-line summary made of counts only,
never of names, phones or texts.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from huying.analytics.bulletin.schedule import bulletins_run_due
from huying.analytics.refresh import measures_refresh
from huying.intake.feeds import feeds_poll_due
from huying.notify.outbox import outbox_send_due
from huying.notify.senders import senders_available
from huying.timers.fire import FireReport, timers_fire_due
from huying.upstream.models import OutboxStatus
from huying.upstream.sender import messages_send

# A timers pass takes no new batch after this many seconds, so the beat is written and a stop request seen
# even while a large backlog drains; the loop then starts the next pass at once.
TIMER_PASS_SECONDS = 10.0
# The same for sending: a slow gateway must not keep a stop request waiting for the whole queue.
NOTIFY_PASS_SECONDS = 10.0
HTTP_TIMEOUT = 10.0  # seconds, per request
TIMERS, NOTIFY, UPSTREAM, FEEDS, MEASURES = "timers", "notify", "upstream", "feeds", "measures"
BULLETINS = "bulletins"
DUTY_NAMES = (TIMERS, NOTIFY, UPSTREAM, FEEDS, MEASURES, BULLETINS)
MEASURES_PASS_SECONDS = 10.0
BULLETINS_INTERVAL = 3600.0  # hourly: the schedule names a day and an hour


@dataclass(frozen=True)
class Outcome:
    done: int  # what the pass acted on; 0 means it found nothing to do
    more: bool = False  # stopped at its limit with work left: run again without waiting
    summary: str = ""


@dataclass(frozen=True)
class Duty:
    name: str
    interval: float  # seconds between passes while there is nothing to do
    run: Callable[[httpx.Client, int], Outcome]  # (this thread's HTTP client, batch size) → outcome
    headers: dict[str, str] = field(default_factory=dict)

    def client(self) -> httpx.Client:
        return httpx.Client(timeout=HTTP_TIMEOUT, headers=self.headers)


def timers_pass(client: httpx.Client, batch: int) -> Outcome:
    """Act on the due deadline timers (自动督办), one transaction per batch, until none is due or time is up."""
    report = FireReport()
    give_up = time.monotonic() + TIMER_PASS_SECONDS
    more = True
    while more and time.monotonic() < give_up:
        part = timers_fire_due(batch=batch, max_batches=1)
        report.add(part)
        more = part.timers >= batch  # a full batch: more may be due
    lag = ""
    if report.lags:
        lag = f"; lag p50 {statistics.median(report.lags):.1f} s, max {max(report.lags):.1f} s"
    return Outcome(done=report.timers, more=more,
                   summary=(f"{report.timers} timers, {report.steps} steps, {report.skipped} skipped, "
                            f"{report.busy} busy, {report.failed} failed{lag}"))


def notify_pass(client: httpx.Client, batch: int) -> Outcome:
    """Send the queued notifications that are due, on every channel that has a sender configured."""
    # Read on every pass: a gateway switched on in the admin is used without a restart.
    senders = senders_available(client)
    if not senders:
        return Outcome(done=0)
    report = outbox_send_due(senders=senders, budget_seconds=NOTIFY_PASS_SECONDS)
    counts = report.counts
    return Outcome(done=sum(counts.values()), more=report.more,
                   summary=" ".join(f"{status} {n}" for status, n in counts.items()))


def upstream_pass(client: httpx.Client, batch: int) -> Outcome:
    """Deliver the due messages to the upper platforms (回传)."""
    report = messages_send(batch=batch, client=client)
    # A full batch that delivered something may have more behind it; one that delivered nothing means the
    # platform is down, and its messages wait for their backoff, not for this loop.
    more = report.total() >= batch and report[OutboxStatus.DELIVERED] > 0
    return Outcome(done=report.total(), more=more,
                   summary=(f"delivered {report[OutboxStatus.DELIVERED]}, will retry {report[OutboxStatus.PENDING]}, "
                            f"failed {report[OutboxStatus.FAILED]}"))


def feeds_pass(client: httpx.Client, batch: int) -> Outcome:
    """Poll the opinion feeds whose interval has passed (舆情监测)."""
    reports = feeds_poll_due(client=client)
    created = sum(r.created for r in reports)
    errors = sum(1 for r in reports if r.error)
    return Outcome(done=len(reports), summary=f"{len(reports)} feeds polled, {created} cases created, {errors} errors")


def measures_pass(client: httpx.Client, batch: int) -> Outcome:
    """Recompute the case measures marked by events or due by their deadline, and move the rollups (三率台账)."""
    done = rows = 0
    give_up = time.monotonic() + MEASURES_PASS_SECONDS
    more = True
    while more and time.monotonic() < give_up:
        report = measures_refresh(batch=batch)
        done, rows = done + report.measures, rows + report.rollup_rows
        more = report.measures >= batch
    return Outcome(done=done, more=more, summary=f"{done} measures, {rows} rollup rows")


def bulletins_pass(client: httpx.Client, batch: int) -> Outcome:
    """Generate and e-mail the monthly bulletin when the administrator's schedule says so (月度通报)."""
    sent = bulletins_run_due()
    return Outcome(done=int(sent is not None), summary=f"bulletin of {sent.month_label} sent" if sent else "")


def duties_build(names: list[str], *, interval: float) -> list[Duty]:
    """The chosen duties in a fixed order; `interval` paces the timers and the notifications."""
    known = {
        TIMERS: Duty(TIMERS, interval, timers_pass),
        NOTIFY: Duty(NOTIFY, interval, notify_pass),
        UPSTREAM: Duty(UPSTREAM, max(interval, 10.0), upstream_pass),
        # Each feed still waits its own poll_minutes; this is only how often the worker looks.
        FEEDS: Duty(FEEDS, 60.0, feeds_pass, headers={"User-Agent": "Huying opinion monitor"}),
        MEASURES: Duty(MEASURES, interval, measures_pass),
        BULLETINS: Duty(BULLETINS, BULLETINS_INTERVAL, bulletins_pass),
    }
    return [known[name] for name in DUTY_NAMES if name in names]
