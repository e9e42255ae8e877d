"""The window's one way to run work in the background: training, sweeps and file writes are
each a Job whose ``work()`` runs in a QThread of its own; Jobs starts them, knows which still
run, and ends them all on closing through one path (cancel every job, then wait for each).

A job reports through its own signals. Connect them to methods of QObjects that live in the
window's thread (not to lambdas): Qt then queues each call into that thread, so a slot never
runs beside the event loop.

    jobs = Jobs(window)
    jobs.start(FileJob(path, work))     # work(cancelled) runs in the job's thread
    jobs.running()                      # the jobs whose thread has not ended
    jobs.shutdown()                     # on closing: every job cancelled, every thread waited for
"""

from __future__ import annotations

import sys
import threading
import time

from PySide6.QtCore import QObject, Qt, QThread, Signal

SHUTDOWN_WAIT_S = 2.0  # after this, closing says what it is waiting for
SHUTDOWN_GRACE_S = 25.0  # a process start, or a sweep's Ray shutting down, ends within this


class Job(QObject):
    """Background work: subclasses give ``work()``, which checks ``cancelled`` (a
    threading.Event) often enough to end soon after ``cancel()``."""

    ended = Signal()  # work() returned (done, failed or cancelled)

    def __init__(self, name: str):
        super().__init__()
        self.name = name  # what closing says it waits for, e.g. "the training process"
        self.cancelled = threading.Event()

    def work(self) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        """Ask the job to end (any thread); it ends at its next check."""
        self.cancelled.set()

    def run(self) -> None:
        """In the job's thread (Jobs.start connects it)."""
        try:
            self.work()
        finally:
            self.ended.emit()


class Jobs(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._threads: dict[Job, QThread] = {}

    def start(self, job: Job) -> Job:
        thread = QThread(self)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        # Direct: quit() is thread-safe, and a queued call would wait for the event loop that shutdown() blocks.
        job.ended.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._forget)
        self._threads[job] = thread
        thread.start()
        return job

    def running(self) -> list[Job]:
        """The jobs started whose thread has not finished."""
        return [job for job, thread in self._threads.items() if not thread.isFinished()]

    def shutdown(self) -> None:
        """Cancel every job, then wait for each thread to end (closing the window)."""
        for job in self._threads:
            job.cancel()
        deadline = time.monotonic() + SHUTDOWN_WAIT_S
        for job, thread in list(self._threads.items()):
            if not thread.wait(max(0, int((deadline - time.monotonic()) * 1000))):
                print(f"vpg-gui: waiting for {job.name} to stop", file=sys.stderr)
                thread.wait(int(SHUTDOWN_GRACE_S * 1000))

    def _forget(self) -> None:
        for job, thread in list(self._threads.items()):
            if thread.isFinished():
                del self._threads[job]
                thread.deleteLater()
