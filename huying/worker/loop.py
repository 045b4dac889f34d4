"""Running the duties: one thread each with its own pace, or one pass of each in turn (--once, --until-idle).

A slow HTTP call in the feeds or the upstream thread never delays the timers. Nothing lives only in memory:
every duty claims its work from the database in short transactions, so a worker stopped at any moment (even
killed) loses nothing; the next one, or another running beside it, picks the work up.
"""

import logging
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import httpx
from django.db import close_old_connections, connections

from huying.worker.beat import Beat, worker_name
from huying.worker.duties import Duty, Outcome

logger = logging.getLogger(__name__)

FOREVER, ONCE, UNTIL_IDLE = "forever", "once", "until-idle"


class Worker:
    def __init__(self, duties: list[Duty], *, batch: int, say: Callable[[str], None]):
        self.duties = duties
        self.batch = batch
        self.say = say
        self.stopping = threading.Event()
        self.beat = Beat(worker_name())
        self.failing: set[str] = set()  # duties whose last pass failed

    def run(self, mode: str) -> None:
        """Run until stopped (SIGTERM, SIGINT) or, in the sequential modes, until their work is done."""
        self.beat.start()
        paces = (f"{d.name} every {d.interval:g} s" if mode == FOREVER else d.name for d in self.duties)
        self.say(f"worker {self.beat.name} started ({mode}): {', '.join(paces)}")
        try:
            with _stop_on_signals(self.stopping):
                if mode == FOREVER:
                    self._run_threads()
                else:
                    self._run_in_turn(until_idle=mode == UNTIL_IDLE)
        finally:
            self.beat.stop()
            connections.close_all()
        self.say(f"worker {self.beat.name} stopped")

    def pass_run(self, duty: Duty, client: httpx.Client) -> Outcome | None:
        """One pass of `duty`, recorded in the beat; None when it failed (logged and recorded, not raised)."""
        close_old_connections()  # a connection the database dropped, or one past its age, is replaced
        started = time.perf_counter()
        try:
            outcome = duty.run(client, self.batch)
        except Exception as exc:
            self._failed(duty, exc, (time.perf_counter() - started) * 1000)
            return None
        ms = (time.perf_counter() - started) * 1000
        self.failing.discard(duty.name)
        self.beat.record(duty.name, done=outcome.done, ms=ms)
        if outcome.done:
            self.say(f"{time.strftime('%H:%M:%S')} {duty.name}: {outcome.summary} ({ms:.0f} ms)")
        return outcome

    def _failed(self, duty: Duty, exc: Exception, ms: float) -> None:
        # The log gets the exception's type and where it happened, not its message: a database error's
        # message can quote a row (a name, a phone). The beat, seen by administrators only, gets the message.
        logger.error("worker duty %s failed: %s\n%s", duty.name, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)).rstrip())
        self.failing.add(duty.name)
        self.beat.record(duty.name, done=0, ms=ms, error=f"{type(exc).__name__}: {exc}")
        connections.close_all()  # this thread's connections: one left broken by the failure is not reused

    def _run_in_turn(self, *, until_idle: bool) -> None:
        with ExitStack() as stack:
            clients = {duty.name: stack.enter_context(duty.client()) for duty in self.duties}
            while not self.stopping.is_set():
                outcomes = []
                for duty in self.duties:
                    if self.stopping.is_set():
                        return
                    outcomes.append(self.pass_run(duty, clients[duty.name]))
                if not until_idle or not any(o is not None and o.done for o in outcomes):
                    return

    def _run_threads(self) -> None:
        # Daemon threads: after a second Ctrl-C the process does not wait for them; what they had open rolls
        # back with their connections.
        threads = [threading.Thread(target=self._duty_loop, args=(duty,), name=f"worker-{duty.name}", daemon=True)
                   for duty in self.duties]
        for thread in threads:
            thread.start()
        while not self.stopping.wait(1.0):
            pass
        for thread in threads:  # each finishes the pass it is in
            thread.join()

    def _duty_loop(self, duty: Duty) -> None:
        try:
            with duty.client() as client:
                while not self.stopping.is_set():
                    outcome = self._pass_guarded(duty, client)
                    if outcome is None or not outcome.more:
                        self.stopping.wait(duty.interval)
        finally:
            connections.close_all()  # this thread's own connections

    def _pass_guarded(self, duty: Duty, client: httpx.Client) -> Outcome | None:
        try:
            return self.pass_run(duty, client)
        except Exception as exc:  # the beat or the output itself failed: the thread must live on regardless
            logger.error("worker loop %s: %s", duty.name, type(exc).__name__)
            return None


@contextmanager
def _stop_on_signals(stopping: threading.Event) -> Iterator[None]:
    """SIGTERM or SIGINT asks the worker to finish its passes and stop; Ctrl-C a second time stops it at once.

    A SIGTERM arriving while it is already stopping changes nothing: `make demo` sends one on its way out
    after the terminal's Ctrl-C has reached the worker too.
    """
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return

    def ask_to_stop(signum: int, frame: object) -> None:
        if stopping.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stopping.set()

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            # None: a handler installed outside Python; the default is the closest we can put back.
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
