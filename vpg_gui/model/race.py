"""The race on screen (Run > Race...): two to four lanes, each a run of the workspace that
trains at the same time as the others. The lanes are kept runs from the start, so the plots,
the run list, labels, time travel, exports and sessions treat them as any other run; when the
race ends they simply stay.

>>> from vpg_gui.config import TrainConfig
>>> from vpg_gui.model.runs import Workspace
>>> ws = Workspace(TrainConfig())
>>> race = ws.start_race([TrainConfig(), TrainConfig(weighting="reward-to-go")])
>>> [lane.run.number for lane in race.lanes], [run.number for run in ws.kept]
([2, 3], [2, 3])
>>> race.set_running(0, False); race.lanes[0].running, race.lockstep
(False, True)
>>> ws.end_race(); ws.race is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from psygnal import Signal

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.config import HOT_FIELDS, TrainConfig


@dataclass(eq=False)
class Lane:
    """A lane: its run (model/runs.py's Run) and whether it trains (False: paused)."""

    run: object
    running: bool = True

    @property
    def epoch(self) -> int:
        return len(self.run.history)


class RaceModel:
    """The lanes and how they advance; views render it and the race job follows its commands."""

    changed = Signal()  # a lane paused or resumed, lock-step toggled, a lane's settings changed
    epoch_added = Signal(int, object)  # lane index, its new EpochStats
    labels_changed = Signal()  # a lane's label may read otherwise (its first epoch, a hot change)

    def __init__(self, runs: list, lockstep: bool = True):
        self.lanes = [Lane(run) for run in runs]
        self.lockstep = lockstep

    def add_epoch(self, index: int, stats: EpochStats, snapshot, record=None) -> None:
        """Lane ``index`` finished an epoch: its stats, its policy after the update, its batch record."""
        relabel = self.lanes[index].run.grow(stats, snapshot, record)
        self.epoch_added.emit(index, stats)
        if relabel:
            self.labels_changed.emit()

    def edit(self, index: int, config: TrainConfig) -> None:
        """Lane ``index``'s hot settings become ``config``'s from its next epoch (a marker in its
        colour then); cold ones cannot change mid-run and are ignored."""
        run = self.lanes[index].run
        run.settings = run.settings.replace(**{name: getattr(config, name) for name in HOT_FIELDS})
        self.changed.emit()

    def set_running(self, index: int, running: bool) -> None:
        if self.lanes[index].running != running:
            self.lanes[index].running = running
            self.changed.emit()

    def set_lockstep(self, on: bool) -> None:
        """Lock-step (no lane starts epoch k+1 before every running lane finished epoch k) or free."""
        if self.lockstep != on:
            self.lockstep = on
            self.changed.emit()

    def text(self, index: int) -> str:
        """A lane's line over its frame: "lane 2  epoch 12  return 45.3".

        >>> from vpg_gui.model.runs import Run
        >>> RaceModel([Run(1, TrainConfig()), Run(2, TrainConfig())]).text(1)
        'lane 2  no epoch yet'
        """
        run = self.lanes[index].run
        if not run.history:
            return f"lane {index + 1}  no epoch yet"
        last = run.history[-1]
        paused = "" if self.lanes[index].running else "  (paused)"
        return f"lane {index + 1}  epoch {last.epoch}  return {last.return_mean:.1f}{paused}"
