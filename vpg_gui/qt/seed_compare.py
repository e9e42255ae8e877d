"""Compare seeds: K seeds of the current settings trained in background processes while the
live run goes on; each finished epoch is handed on (to the workspace's seed group) as it arrives.

    job = SeedCompare(config, seeds=range(5))  # starts at once (core.sweep.SeedSweep)
    job.epoch.connect(lambda seed, stats: workspace.add_seed_epoch(group, seed, stats))
    job.progress.connect(lambda done, total: bar.setValue(done))
    job.cancel()                               # on closing the window: the processes end now
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QTimer, Signal

from vpg_gui.config import TrainConfig

COMPARE_SEEDS = 5
POLL_MS = 200


class SeedCompare(QObject):
    epoch = Signal(int, object)  # seed, EpochStats: every epoch of every seed, in order
    progress = Signal(int, int)  # epochs done, epochs in all
    finished = Signal()
    failed = Signal(str, str)  # message, details

    def __init__(self, config: TrainConfig, seeds, parent: QObject | None = None):
        super().__init__(parent)
        from vpg_gui.core.sweep import SeedSweep

        self.seeds = list(seeds)
        self.config = config
        # Leave a core to the live run when there is more than one.
        workers = max(1, (os.cpu_count() or 1) - 1)
        self._sweep = SeedSweep(config, self.seeds, workers=workers)
        self._timer = QTimer(self, interval=POLL_MS, timeout=self._poll)
        self._timer.start()
        self.running = True
        self._sent = dict.fromkeys(self.seeds, 0)  # epochs handed on, per seed

    def _poll(self) -> None:
        try:
            done = self._sweep.poll()
        except Exception as exc:  # a seed's process raised: say so, keep the window going
            self._stop()
            self.failed.emit(f"Compare seeds stopped: {exc}", repr(exc))
            return
        for seed, history in self._sweep.histories.items():
            for stats in history[self._sent[seed] :]:
                self.epoch.emit(seed, stats)
            self._sent[seed] = len(history)
        finished = sum(self._sent.values())
        total = len(self.seeds) * self.config.epochs
        self.progress.emit(finished, total)
        if done:
            self._stop()
            self.finished.emit()

    def pids(self) -> list[int]:
        """The seeds' worker processes (they end on cancel)."""
        return self._sweep.pids()

    def _stop(self) -> None:
        self._timer.stop()
        self.running = False

    def cancel(self) -> None:
        if self.running:
            self._stop()
            self._sweep.cancel()
