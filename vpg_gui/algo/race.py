"""Race: two to four lanes, each a TrainConfig trained in its own process (TrainerProcess), at
the same time, so a class compares settings at the same epoch instead of one after the other.

Lock-step (the default): no running lane starts epoch k+1 before every running lane has
finished epoch k, so the lanes are never two epochs apart. Free: each lane starts its next epoch
as soon as its last one is done. A paused lane stays where it is; once it runs again and is
behind, the others wait for it to catch up (in lock-step).

    race = Race([TrainConfig(), TrainConfig(weighting="reward-to-go")])
    while not race.idle:
        for lane, result in race.advance():   # (lane index, EpochStats or TrainingDiverged), as they finish
            ...
    race.close()                             # every lane's process ends within a second
"""

from __future__ import annotations

import math
import multiprocessing.connection
import time
from dataclasses import dataclass

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.algo.remote import POLL_S, Cancel, TrainerProcess, close_all
from vpg_gui.config import HOT_FIELDS, TrainConfig
from vpg_gui.envs.make import EnvInfo
from vpg_gui.errors import TrainingDiverged

LANES = range(2, 5)  # how many lanes a race has
Ended = EpochStats | TrainingDiverged  # what an epoch of a lane ends with


@dataclass(eq=False)
class Lane:
    """One lane: the settings it trains with now (hot changes apply at its next epoch), its
    process, and what it is doing."""

    config: TrainConfig
    remote: TrainerProcess
    info: EnvInfo | None = None
    running: bool = True  # False: paused
    steps: int = 0  # epochs to run while paused (Step)
    in_flight: bool = False
    due: float = 0.0  # time.monotonic() when its next epoch may start, at the race's pace

    @property
    def epoch(self) -> int:
        """Epochs finished."""
        return self.remote.epoch

    @property
    def finished(self) -> bool:
        return self.remote.finished

    @property
    def active(self) -> bool:
        """Training or about to: the lanes lock-step keeps together."""
        return not self.finished and (self.running or self.steps > 0 or self.in_flight)


class Race:
    """The lanes of ``configs``, each with its own TrainerProcess (``record``: keep each epoch's
    batch record, for the window's update inspector; ``nice``: the processes' lower priority)."""

    def __init__(
        self, configs: list[TrainConfig], lockstep: bool = True, record: bool = False, cancel: Cancel = None, nice=0
    ):
        if len(configs) not in LANES:
            raise ValueError(f"a race has {LANES.start} to {LANES.stop - 1} lanes, not {len(configs)}")
        self.lockstep = lockstep
        self.pace = 0.0  # epochs a second at most, each lane (0: as fast as they come), so a class can follow
        self.lanes: list[Lane] = []
        try:
            for config in configs:
                self.lanes.append(Lane(config, TrainerProcess(nice)))
            for lane in self.lanes:
                lane.info = lane.remote.new_run(lane.config, cancel=cancel, record=record)
        except BaseException:
            self.close()
            raise

    @property
    def idle(self) -> bool:
        """No lane trains or may start: every one has its epochs, or is paused."""
        return not any(lane.in_flight or self.may_start(lane, math.inf) for lane in self.lanes)

    def may_start(self, lane: Lane, now: float | None = None) -> bool:
        """Whether ``lane`` may start its next epoch at ``now`` (time.monotonic()'s; the pace's).

        In lock-step, only when no active lane has finished fewer epochs than it has."""
        if lane.in_flight or lane.finished or not (lane.running or lane.steps):
            return False
        if (time.monotonic() if now is None else now) < lane.due and not lane.steps:
            return False
        return not self.lockstep or lane.epoch <= min(other.epoch for other in self.lanes if other.active)

    def apply(self, index: int, config: TrainConfig) -> None:
        """Lane ``index``'s hot settings become ``config``'s, from its next epoch (cold ones are ignored)."""
        lane = self.lanes[index]
        lane.config = lane.config.replace(**{name: getattr(config, name) for name in HOT_FIELDS})

    def advance(self, timeout: float = POLL_S, cancel: Cancel = None) -> list[tuple[int, Ended]]:
        """Start every lane that may start, then wait up to ``timeout`` seconds for epochs to end:
        (lane index, its EpochStats) for each that did; a lane whose training diverged is paused
        and gives the TrainingDiverged instead."""
        for lane in self.lanes:
            if self.may_start(lane):
                if lane.config != lane.remote.config:
                    lane.remote.apply(lane.config, cancel)
                lane.remote.begin_epoch()
                lane.in_flight = True
                lane.steps = max(lane.steps - 1, 0)
        flying = {lane.remote.connection: i for i, lane in enumerate(self.lanes) if lane.in_flight}
        if not flying:  # all paused, done or waiting for the pace
            time.sleep(timeout)
            return []
        ended = []
        for connection in multiprocessing.connection.wait(list(flying), timeout):
            index = flying[connection]
            lane = self.lanes[index]
            lane.in_flight = False
            lane.due = time.monotonic() + (1 / self.pace if self.pace else 0)
            try:
                ended.append((index, lane.remote.end_epoch(cancel)))
            except TrainingDiverged as exc:
                lane.running, lane.steps = False, 0
                ended.append((index, exc))
        return sorted(ended, key=lambda pair: pair[0])

    def close(self) -> None:
        """End every lane's process: together, within CANCEL_GRACE_S (an epoch in flight is cut short)."""
        close_all([lane.remote for lane in self.lanes])
