"""A sweep driven from a child process, so that Ray's threads and start-up never hold up the
window's event loop; the events of sweeps/ray_tune.py arrive through a queue.

    job = SweepProcess(spec)                 # starts at once
    for event in job.poll(): ...             # ("ready", ...), ("epoch", ...), ("end", ...)
    job.over                                 # True once the sweep ended, failed or was cancelled
    job.cancel()                             # trials stop at their next epoch; Ray shuts down

A sweep that cannot start ends with ("failed", message).
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time

from vpg_gui.algo.remote import process_context
from vpg_gui.sweeps.spec import SweepSpec

SHUTDOWN_S = 20.0  # a cancelled sweep's Ray shuts down within this; then it is killed
WORKERS_EXIT_S = 5.0  # its workers end within this after it
ORPHAN_POLL_S = 0.5


class SweepProcess:
    def __init__(self, spec: SweepSpec, address: str | None = None):
        ctx = process_context()
        self._events = ctx.Queue()
        self._stop = ctx.Event()
        self._process = ctx.Process(target=_drive, args=(spec, address, self._events, self._stop), name="vpg-sweep")
        self._process.start()
        self.over = False
        self.workers: set[int] = set()  # the Ray workers that ran its trials, as their epochs say

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        """The process (and so its Ray) is still there, e.g. shutting down after a cancel."""
        return self._process.is_alive()

    def poll(self) -> list[tuple]:
        """The events that arrived since the last call."""
        events = []
        while True:
            try:
                event = self._events.get_nowait()
            except queue.Empty:
                break
            self.over = self.over or event[0] in ("over", "failed")
            if event[0] == "epoch":
                self.workers.add(event[3])
            events.append(event)
        if not self.over and not self._process.is_alive():
            self.over = True
            events.append(("failed", f"the sweep's process ended unexpectedly (exit code {self._process.exitcode})"))
        return events

    def cancel(self, wait: bool = False) -> None:
        """Stop every trial; with ``wait``, until the process, its Ray and the workers that ran
        the trials are gone."""
        self._stop.set()
        if wait:
            self._process.join(SHUTDOWN_S)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            end_processes(sorted(self.workers))


def end_processes(pids: list[int], timeout: float = WORKERS_EXIT_S) -> list[int]:
    """Wait until the processes ``pids`` are gone; kill those still there after ``timeout``
    seconds. Returns the ones that had to be killed. For a sweep's Ray workers after its Ray shut
    down: they notice it on their own, but a moment later than the driver's exit."""
    deadline = time.monotonic() + timeout
    left = list(pids)
    while left and time.monotonic() < deadline:
        left = [pid for pid in left if _exists(pid)]
        if left:
            time.sleep(0.02)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: ours has gone and the number was given again
        return False
    return True


def _drive(spec: SweepSpec, address: str | None, events, stop) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the window's to handle
    from vpg_gui.sweeps.ray_tune import SweepError, run_sweep

    threading.Thread(target=_stop_when_orphaned, args=(os.getppid(), stop), daemon=True).start()

    try:
        run_sweep(spec, events.put, stop, address=address)
    except SweepError as exc:
        events.put(("failed", str(exc)))
    except Exception as exc:  # Ray could not start here: say why in the window, not in a terminal
        events.put(("failed", f"the sweep stopped: {type(exc).__name__}: {exc}".splitlines()[0]))
    else:
        events.put(("over",))


def _stop_when_orphaned(parent: int, stop) -> None:
    """A window killed outright (SIGKILL, a crash) cannot cancel its sweep: its child then
    stops the trials itself, so no Ray outlives the window for long."""
    while not stop.is_set():
        if os.getppid() != parent:
            stop.set()
        time.sleep(ORPHAN_POLL_S)
