"""A sweep in the background of the window (Run > Sweep... and Compare seeds): a job of the
window's Jobs (qt/jobs/background.py) that drives a sweeps.process.SweepProcess and passes on
what arrives through signals; the window's model keeps it (Workspace.start_sweep, seed groups).

    job = jobs.start(SweepJob(spec, address=None))
    job.epoch.connect(actions.on_epoch)      # (trial name, EpochStats), every epoch of every trial
    job.cancel()                             # Cancel or closing: the trials stop, Ray shuts down,
                                             # the job's thread ends once its processes are gone
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from vpg_gui.qt.jobs.background import Job
from vpg_gui.sweeps.spec import SweepSpec

POLL_S = 0.2


class SweepJob(Job):
    ready = Signal(dict)  # {"nodes", "cpus", "seconds"} once Ray is up
    epoch = Signal(str, object)  # trial name, EpochStats: every epoch of every trial, in order
    trial_ended = Signal(str, float, str, str)  # trial name, seconds, node, error ("" when none)
    progress = Signal(int, int)  # epochs done, epochs in all (from when Ray is up)
    finished = Signal()  # every trial ended
    failed = Signal(str)  # what stopped it, in a sentence

    def __init__(self, spec: SweepSpec, address: str | None = None):
        super().__init__("the sweep and its Ray")
        self.spec = spec
        self.address = address
        self.total_epochs = len(spec.trials()) * spec.base.epochs

    def work(self) -> None:
        from vpg_gui.sweeps.process import SweepProcess

        process = SweepProcess(self.spec, self.address)
        epochs, up = 0, False  # epochs arrived, all trials together; Ray has started
        try:
            while not self.cancelled.wait(POLL_S):
                for kind, *rest in process.poll():
                    if kind == "ready":
                        up = True
                        self.ready.emit(rest[0])
                    elif kind == "epoch":
                        epochs += 1
                        self.epoch.emit(rest[0], rest[1])  # and the worker pid, which the process keeps
                    elif kind == "end":
                        name, seconds, node, error = rest[:4]
                        self.trial_ended.emit(name, seconds, node, error)
                    elif kind == "failed":
                        self.failed.emit(rest[0])
                        return
                    else:  # "over"
                        self.finished.emit()
                        return
                if up:
                    self.progress.emit(epochs, self.total_epochs)
        finally:
            process.cancel(wait=True)  # over: it is gone already; cancelled: its Ray shuts down
