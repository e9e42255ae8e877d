"""The window's one way to run background work (qt/jobs/background.py), without a window."""

import threading

from PySide6.QtCore import QObject, Signal

from vpg_gui.qt.jobs.background import Job, Jobs


class Counting(Job):
    """Counts until cancelled, telling each count."""

    counted = Signal(int)

    def work(self):
        n = 0
        while not self.cancelled.wait(0.01):
            n += 1
            self.counted.emit(n)


class Listener(QObject):
    def __init__(self):
        super().__init__()
        self.threads = set()

    def heard(self, _n):
        self.threads.add(threading.get_ident())


def test_jobs_run_in_their_own_threads_report_to_the_window_thread_and_end_together(qtbot):
    jobs, listener = Jobs(), Listener()
    first, second = Counting("first"), Counting("second")
    try:
        for job in (first, second):
            job.counted.connect(listener.heard)
            jobs.start(job)
        assert jobs.running() == [first, second]
        qtbot.waitUntil(lambda: bool(listener.threads))
        assert listener.threads == {threading.get_ident()}  # queued into this thread, never beside it
        with qtbot.waitSignal(first.ended):
            first.cancel()
        qtbot.waitUntil(lambda: jobs.running() == [second])
    finally:
        jobs.shutdown()  # cancels the other and waits for it
    assert second.cancelled.is_set() and jobs.running() == []
