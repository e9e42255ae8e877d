"""TrainingWorker: runs ``Trainer.train_epoch()`` in a loop on its own QThread.

The GUI thread calls its command methods (``train``, ``pause``, ``step``, ``stop``, ``reset``,
``apply``, ``shutdown``); they only set state under a lock and wake the loop, so they return at
once. The loop acts on them between epochs (``shutdown`` also cancels an epoch in flight) and
reports through queued signals carrying copies: a frozen EpochStats and a numpy policy snapshot.
It never touches a widget.

    worker = TrainingWorker(TrainConfig())
    thread = QThread(); worker.moveToThread(thread); thread.started.connect(worker.run)
    thread.start(); worker.train()     # ... epoch_finished(stats, snapshot) per epoch
    worker.shutdown(); thread.wait()   # the loop returns, finished is emitted, the thread quits
"""

from __future__ import annotations

import gc
import threading
import traceback
from enum import Enum

from PySide6.QtCore import QObject, Signal

from vpg_gui.config import HOT_FIELDS, TrainConfig


class RunState(str, Enum):
    IDLE = "idle"
    TRAINING = "training"
    PAUSED = "paused"


class TrainingWorker(QObject):
    epoch_finished = Signal(int, object, object)  # run id, EpochStats, NumpyPolicy snapshot
    state_changed = Signal(str)  # a RunState value (read .state for the current one)
    run_created = Signal(object)  # EnvInfo of a new run's environment
    failed = Signal(str, str)  # message, details (traceback)
    diverged = Signal(str)  # what happened and what to try; the run is paused, resumable
    state_ready = Signal(object)  # Trainer.state() (or the config alone before a run), on request
    finished = Signal()

    def __init__(self, config: TrainConfig):
        super().__init__()
        self._cond = threading.Condition()
        self._config = config  # settings for the run (applied between epochs)
        self._state = RunState.IDLE
        self._steps_left = 0  # > 0 while a Step is being run
        self._reset_requested = False
        self._state_requested = False
        self._adopted = None  # a Trainer built from a session, to take over at the next chance
        self.run_id = 0  # bumped by reset(): epochs of a dropped run still in flight can be told apart
        self._quit = threading.Event()
        self._trainer = None  # created, used and closed in the worker thread only
        self.waiting = False  # True while the loop waits for a command (read by tests, benchmarks)

    # --- commands (any thread) ---------------------------------------------------------------

    def train(self) -> None:
        """Start or resume continuous training."""
        self._command(RunState.TRAINING)

    def pause(self) -> None:
        self._command(RunState.PAUSED)

    def step(self) -> None:
        """Run exactly one epoch, then pause."""
        self._command(RunState.TRAINING, steps=1)

    def stop(self) -> None:
        """Stop after the epoch in flight; the run is kept and Train continues it."""
        self._command(RunState.IDLE)

    def reset(self, config: TrainConfig, trainer=None) -> int:
        """Drop the run; the next Train starts a new policy from ``config``, or continues
        ``trainer`` (restored from a session) from its last epoch. Returns the new run id."""
        with self._cond:
            if self._adopted is not None:
                self._adopted.close()
            self._adopted = trainer
            self._config = config
            self._reset_requested = True
            self.run_id += 1
            self._set_state(RunState.IDLE)
            self._cond.notify_all()
            return self.run_id

    def request_state(self) -> None:
        """Ask for the run's state (state_ready), taken between epochs."""
        with self._cond:
            self._state_requested = True
            self._cond.notify_all()

    def apply(self, config: TrainConfig) -> None:
        """Hot settings take effect from the next epoch; cold ones wait for reset()."""
        with self._cond:
            self._config = self._config.replace(**{name: getattr(config, name) for name in HOT_FIELDS})

    def shutdown(self) -> None:
        """End the loop as soon as possible, cancelling an epoch in flight."""
        self._quit.set()
        with self._cond:
            self._cond.notify_all()

    def _command(self, state: RunState, steps: int = 0) -> None:
        with self._cond:
            self._steps_left = steps
            self._set_state(state)
            self._cond.notify_all()

    @property
    def state(self) -> RunState:
        return self._state

    def _set_state(self, state: RunState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state.value)

    # --- the loop (worker thread) ------------------------------------------------------------

    def run(self) -> None:
        from vpg_gui.core.rollout import EpochCancelled  # torch loads here, off the GUI thread
        from vpg_gui.core.trainer import TrainingDiverged

        try:
            while (run_id := self._next_epoch()) is not None:
                try:
                    stats = self._trainer.train_epoch(cancel=self._quit.is_set)
                except EpochCancelled:
                    break
                except TrainingDiverged as exc:
                    with self._cond:
                        self._steps_left = 0
                        self._set_state(RunState.PAUSED)
                    self.diverged.emit(str(exc))
                    continue
                self.epoch_finished.emit(run_id, stats, self._trainer.sampling_policy())
                with self._cond:
                    if self._steps_left:
                        self._steps_left -= 1
                        if not self._steps_left:
                            self._set_state(RunState.PAUSED)
                    if self._trainer.finished:
                        self._set_state(RunState.IDLE)
        except Exception as exc:  # shown to the user in a dialog; the window stays usable
            with self._cond:
                self._set_state(RunState.IDLE)
            self.failed.emit(f"Training stopped: {exc}", traceback.format_exc())
        finally:
            self._close_trainer()
            self.finished.emit()

    def _next_epoch(self) -> int | None:
        """Wait until an epoch should run and prepare the trainer; returns the id of the run the
        epoch belongs to (read with the settings, so a reset cannot slip in between), or None
        when shutting down."""
        while True:
            with self._cond:
                while not self._quit.is_set() and (
                    self._state != RunState.TRAINING or self._reset_requested or self._state_requested
                ):
                    if self._reset_requested:
                        self._reset_requested = False
                        self._close_trainer()
                        self._trainer, self._adopted = self._adopted, None
                        continue
                    if self._state_requested:
                        self._state_requested = False
                        state = self._trainer.state() if self._trainer else {"config": self._config.to_dict()}
                        self.state_ready.emit(state)
                        continue
                    self.waiting = True
                    self._cond.wait()
                    self.waiting = False
                if self._quit.is_set():
                    return None
                config, run_id = self._config, self.run_id
            if self._trainer is None:
                self._trainer = _new_trainer(config)
                self.run_created.emit(self._trainer.info)
            elif config != self._trainer.config:
                self._trainer.apply(config)
            if not self._trainer.finished:
                return run_id
            with self._cond:  # the run has all its epochs: raise Epochs to go on
                self._steps_left = 0
                self._set_state(RunState.IDLE)

    def _close_trainer(self) -> None:
        if self._trainer is not None:
            self._trainer.close()
            self._trainer = None
        if self._quit.is_set() and self._adopted is not None:
            self._adopted.close()
            self._adopted = None


def _new_trainer(config: TrainConfig):
    """A Trainer, importing torch the first time without stalling the window: full garbage
    collections hold the GIL, and the ones an import of torch sets off took up to 200 ms each
    (benchmarks/soak_gui.py). So collect nothing during it, then freeze what was imported (it
    lives as long as the process) so that later full collections do not scan it again."""
    gc.disable()
    try:
        from vpg_gui.core.trainer import Trainer

        return Trainer(config)
    finally:
        gc.freeze()
        gc.enable()
