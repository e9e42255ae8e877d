"""A sweep in the background of the window (Run > Sweep... and Compare seeds): it drives a
sweeps.process.SweepProcess, keeps what arrives in a Qt-free SweepResults (its one writer)
and tells the window through signals.

    job = SweepJob(spec, address=None)       # starts at once
    job.epoch.connect(lambda name, stats: ...)
    job.trial_ended.connect(lambda name: sensitivity_plot.render(job.results))
    job.cancel()                             # on Cancel or closing: the trials stop, Ray shuts down
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from vpg_gui.sweeps.results import SweepResults
from vpg_gui.sweeps.spec import SweepSpec

POLL_MS = 200


class SweepJob(QObject):
    ready = Signal(dict)  # {"nodes", "cpus", "seconds"} once Ray is up
    epoch = Signal(str, object)  # trial name, EpochStats: every epoch of every trial, in order
    trial_ended = Signal(str)
    progress = Signal(int, int)  # epochs done, epochs in all (from when Ray is up)
    finished = Signal()
    failed = Signal(str)  # what stopped it, in a sentence

    def __init__(self, spec: SweepSpec, address: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        from vpg_gui.sweeps.process import SweepProcess

        self.results = SweepResults(spec)
        self.address = address
        self._process = SweepProcess(spec, address)
        self._epochs = 0  # arrived so far, all trials together
        self._up = False  # Ray has started
        self._timer = QTimer(self, interval=POLL_MS, timeout=self._poll)
        self._timer.start()
        self.running = True

    @property
    def total_epochs(self) -> int:
        return len(self.results.trials) * self.results.spec.base.epochs

    def _poll(self) -> None:
        for kind, *rest in self._process.poll():
            if kind == "ready":
                self._up = True
                self.ready.emit(rest[0])
            elif kind == "epoch":
                name, stats, _ = rest  # and the worker pid, which the process keeps
                self.results.add_epoch(name, stats)
                self._epochs += 1
                self.epoch.emit(name, stats)
            elif kind == "end":
                self.results.end(*rest)
                self.trial_ended.emit(rest[0])
            elif kind == "failed":
                self._stop()
                self.failed.emit(rest[0])
                return
            else:  # "over"
                self._stop()
                self.finished.emit()
                return
        if self._up:
            self.progress.emit(self._epochs, self.total_epochs)

    @property
    def alive(self) -> bool:
        """Its processes are still there (a cancelled sweep's Ray takes a moment to shut down)."""
        return self._process.alive

    def pids(self) -> list[int]:
        """The sweep's driver process and the Ray workers that ran its trials (they end on cancel)."""
        return [self._process.pid, *sorted(self._process.workers)]

    def _stop(self) -> None:
        self._timer.stop()
        self.running = False

    def cancel(self, wait: bool = False) -> None:
        """Stop the trials (what arrived stays); ``wait``: until its processes, the Ray workers
        that ran its trials included, are gone (closing)."""
        if self.running:
            self._stop()
        self._process.cancel(wait)
