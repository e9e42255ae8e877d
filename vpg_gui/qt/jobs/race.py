"""RaceJob: the background job (qt/jobs/background.py) that trains a race's lanes, each in its
own process (algo/race.py), and reports every epoch that ends.

The window's thread calls its commands (``set_running``, ``step``, ``apply``, ``set_lockstep``,
``set_pace``, ``cancel``); they only queue under a lock and return at once. The loop applies
them between waits on the lanes' pipes and reports through queued signals: a lane's EpochStats,
its policy snapshot and batch record. Cancelling ends every lane's process within a second.

    job = jobs.start(RaceJob([config_a, config_b]))   # ... epoch_finished(lane, stats, snapshot, record)
    job.set_running(1, False)                          # lane 2 pauses after its epoch in flight
    job.cancel()                                       # every lane's process ends
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import Signal

from vpg_gui.algo.race import Race
from vpg_gui.algo.remote import RemoteError, start_server
from vpg_gui.config import TrainConfig
from vpg_gui.errors import EpochCancelled, TrainingDiverged
from vpg_gui.qt.jobs.background import Job

# More training processes than cores: at equal priority the window's thread waited its turn behind
# them (ticks 60-190 ms late with three lanes on two cores, benchmarks/bench_race.py); a little
# lower, they take what the window leaves.
LANE_NICE = 10


class RaceJob(Job):
    epoch_finished = Signal(int, object, object, object)  # lane index, EpochStats, NumpyPolicy, BatchRecord
    diverged = Signal(int, str)  # a lane's training diverged: that lane is paused
    failed = Signal(str, str)  # the race cannot go on: message, details

    def __init__(self, configs: list[TrainConfig], lockstep: bool = True, pace: float = 0.0):
        super().__init__("the race's training processes")
        self.configs = list(configs)
        self._lock = threading.Lock()
        self._commands: list[tuple] = []  # applied by the loop, in order
        self._lockstep = lockstep
        self._pace = pace  # each lane's epochs a second at most (0: as fast as they come): the window's pace

    # --- commands (any thread) ---------------------------------------------------------------

    def set_running(self, lane: int, running: bool) -> None:
        self._queue("running", lane, running)

    def step(self, lane: int) -> None:
        """Lane ``lane`` runs one epoch, then stays paused."""
        self._queue("step", lane)

    def apply(self, lane: int, config: TrainConfig) -> None:
        """Lane ``lane``'s hot settings from its next epoch."""
        self._queue("apply", lane, config)

    def set_lockstep(self, on: bool) -> None:
        self._queue("lockstep", on)

    def set_pace(self, epochs_per_s: float) -> None:
        self._queue("pace", epochs_per_s)

    def _queue(self, *command) -> None:
        with self._lock:
            self._commands.append(command)

    # --- the loop (the job's thread) ---------------------------------------------------------

    def work(self) -> None:
        race = None
        try:
            start_server()
            race = Race(self.configs, self._lockstep, record=True, cancel=self.cancelled.is_set, nice=LANE_NICE)
            race.pace = self._pace
            while not self.cancelled.is_set():
                self._take_commands(race)
                for index, result in race.advance(cancel=self.cancelled.is_set):
                    if isinstance(result, TrainingDiverged):
                        self.diverged.emit(index, str(result))
                        continue
                    lane = race.lanes[index]
                    self.epoch_finished.emit(index, result, lane.remote.snapshot, lane.remote.record)
        except EpochCancelled:
            pass
        except Exception as exc:  # shown to the user in a dialog; the lanes' epochs so far stay
            details = exc.details if isinstance(exc, RemoteError) else traceback.format_exc()
            self.failed.emit(f"The race stopped: {exc}", details)
        finally:
            if race is not None:
                race.close()

    def _take_commands(self, race: Race) -> None:
        with self._lock:
            commands, self._commands = self._commands, []
        for name, *args in commands:
            if name == "running":
                race.lanes[args[0]].running = args[1]
            elif name == "step":
                race.lanes[args[0]].steps += 1
            elif name == "apply":
                race.apply(*args)
            elif name == "lockstep":
                race.lockstep = args[0]
            else:  # "pace"
                race.pace = args[0]
