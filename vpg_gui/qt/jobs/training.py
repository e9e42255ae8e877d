"""TrainingWorker: the background job (qt/jobs/background.py) that drives training; the Trainer
itself runs in a child process (algo.remote.TrainerProcess, started at the first Train), so it
never competes with the window for the GIL.

The GUI thread calls its command methods (``train``, ``pause``, ``step``, ``stop``, ``reset``,
``apply``, ``cancel``); they only set state under a lock and wake the loop, so they return at
once. The loop acts on them between epochs (``cancel`` also cancels an epoch in flight) and
reports through queued signals carrying copies: a frozen EpochStats and a numpy policy snapshot.
It never touches a widget.

    worker = jobs.start(TrainingWorker(TrainConfig()))
    worker.train()                     # ... epoch_finished(run, stats, snapshot, record) per epoch
    jobs.shutdown()                    # cancel(): the loop returns, ended is emitted, the thread quits
"""

from __future__ import annotations

import threading
import time
import traceback

from PySide6.QtCore import Signal

# Imported here, in the GUI thread: a test once hung for good with the worker thread inside this import
# (in PySide6's import hook) while the GUI thread processed events. It is quick and loads no torch.
from vpg_gui.algo.remote import RemoteError, TrainerProcess, start_server
from vpg_gui.config import HOT_FIELDS, TrainConfig
from vpg_gui.errors import EpochCancelled, TrainingDiverged
from vpg_gui.model.runs import RunState
from vpg_gui.qt.jobs.background import Job


class TrainingWorker(Job):
    # the run's number (reset's ``run``), EpochStats, NumpyPolicy, BatchRecord (what the update did)
    epoch_finished = Signal(int, object, object, object)
    state_changed = Signal(str)  # a RunState value (read .state for the current one)
    # The loop waits for a command: no epoch in flight. Carries the number of commands given by
    # then, so a notice that arrives after a newer command can be told stale (``commands``).
    settled = Signal(int)
    run_created = Signal(object)  # EnvInfo of a new run's environment
    failed = Signal(str, str)  # message, details (traceback)
    diverged = Signal(str)  # what happened and what to try; the run is paused, resumable
    state_ready = Signal(object)  # Trainer.state() (or the config alone before a run), on request

    def __init__(self, config: TrainConfig):
        super().__init__("the training process")
        self._cond = threading.Condition()
        self._config = config  # settings for the run (applied between epochs)
        self._state = RunState.IDLE
        self._steps_left = 0  # > 0 while a Step is being run
        self._reset_requested = False
        self._state_requested = False
        self._adopted = None  # Trainer.state() from a session, to take over at the next reset
        self._run = 0  # the number of the run trained (reset's ``run``)
        self._remote = None  # TrainerProcess: started, used and closed in the worker thread only
        self._to_adopt = None  # the state the next run continues (worker thread only)
        self.commands = 0  # commands given so far (train, pause, step, stop, reset), counted under the lock
        self._pace = 0.0  # epochs a second at most (0: as fast as they come)
        self._due = 0.0  # time.monotonic() when the next epoch may start, at that pace

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

    def reset(self, config: TrainConfig, state: dict | None = None, run: int = 0) -> None:
        """Drop the run; the next Train starts a new policy from ``config``, or continues
        ``state`` (Trainer.state(), from a session) from its last epoch. ``run``: the number the
        model gave the run (Workspace.live.number); each epoch_finished carries it, so the
        epochs of a dropped run still in flight can be told apart."""
        with self._cond:
            self.commands += 1
            self._adopted = state
            self._config = config
            self._reset_requested = True
            self._run = run
            self._set_state(RunState.IDLE)
            self._cond.notify_all()

    def set_pace(self, epochs_per_s: float) -> None:
        """At most this many epochs a second (0: as fast as training goes), from the next epoch.

        The worker waits between epochs rather than letting them run ahead to be shown later: the
        epoch a class sees is the one the policy is at, so a hot change made while watching
        applies to the very next epoch drawn."""
        with self._cond:
            self._due += (1 / epochs_per_s if epochs_per_s else 0) - (1 / self._pace if self._pace else 0)
            self._pace = epochs_per_s
            self._cond.notify_all()

    def request_state(self) -> None:
        """Ask for the run's state (state_ready), taken between epochs."""
        with self._cond:
            self._state_requested = True
            self._cond.notify_all()

    def apply(self, config: TrainConfig) -> None:
        """Hot settings take effect from the next epoch; cold ones wait for reset()."""
        with self._cond:
            self._config = self._config.replace(**{name: getattr(config, name) for name in HOT_FIELDS})

    def cancel(self) -> None:
        """End the loop as soon as possible, cancelling an epoch in flight (closing)."""
        super().cancel()
        with self._cond:
            self._cond.notify_all()

    def _command(self, state: RunState, steps: int = 0) -> None:
        with self._cond:
            self.commands += 1
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

    def work(self) -> None:
        try:
            start_server()
            while True:
                try:
                    if not self._run_epoch():
                        break
                except EpochCancelled:  # shutting down during an epoch or a call to the child
                    break
                except Exception as exc:  # shown to the user in a dialog; the window stays usable
                    self._fail(exc)
        finally:
            if self._remote is not None:
                self._remote.close()

    def _run_epoch(self) -> bool:
        """Wait for a command and run one epoch if asked to; False when shutting down."""
        run = self._next_epoch()
        if run is None:
            return False
        try:
            stats = self._remote.train_epoch(cancel=self.cancelled.is_set)
        except TrainingDiverged as exc:
            with self._cond:
                self._steps_left = 0
                self._set_state(RunState.PAUSED)
            self.diverged.emit(str(exc))
            return True
        self.epoch_finished.emit(run, stats, self._remote.snapshot, self._remote.record)
        with self._cond:
            if self._steps_left:
                self._steps_left -= 1
                if not self._steps_left:
                    self._set_state(RunState.PAUSED)
            if self._remote.finished:
                self._set_state(RunState.IDLE)
        return True

    def _fail(self, exc: Exception) -> None:
        """The run cannot go on: drop it (and the child, unless the error was only raised in it)."""
        details = exc.details if isinstance(exc, RemoteError) else traceback.format_exc()
        if isinstance(exc, RemoteError):
            self._remote.drop_run()
        elif self._remote is not None:
            self._remote.close()
            self._remote = None
        with self._cond:
            self._steps_left = 0
            self._set_state(RunState.IDLE)
        self.failed.emit(f"Training stopped: {exc}", details)

    def _next_epoch(self) -> int | None:
        """Wait until an epoch should run and prepare the run; returns the number of the run the
        epoch belongs to (read with the settings, so a reset cannot slip in between), or None
        when shutting down."""
        while True:
            with self._cond:
                settled = False
                while not self.cancelled.is_set() and self._state != RunState.TRAINING and not self._pending():
                    if not settled:
                        self.settled.emit(self.commands)
                        settled = True
                    self._cond.wait()
                # The pace: training, but this epoch is not due yet (a command ends the wait).
                while not self.cancelled.is_set() and not self._pending() and self._state == RunState.TRAINING:
                    left = self._due - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if self.cancelled.is_set():
                    return None
                config, run = self._config, self._run
                if self._reset_requested:
                    self._reset_requested = False
                    self._to_adopt, self._adopted = self._adopted, None
                    if self._remote is not None:
                        self._remote.drop_run()
                wants_state, self._state_requested = self._state_requested, False
            # Talking to the child takes a while: never with the lock held (commands take it).
            running = self._remote is not None and self._remote.has_run
            if wants_state:
                # Before its first epoch here, a run opened from a session is the state it continues.
                idle = self._to_adopt or {"config": config.to_dict()}
                state = self._remote.state(self.cancelled.is_set) if running else idle
                self.state_ready.emit(state)
                continue
            if self._state != RunState.TRAINING:
                continue
            if not running:
                if self._remote is None:
                    self._remote = TrainerProcess()
                self.run_created.emit(self._remote.new_run(config, self._to_adopt, self.cancelled.is_set))
                self._to_adopt = None
            elif config != self._remote.config:
                self._remote.apply(config, self.cancelled.is_set)
            if not self._remote.finished:
                with self._cond:
                    self._due = time.monotonic() + (1 / self._pace if self._pace else 0)
                return run
            with self._cond:  # the run has all its epochs: raise Epochs to go on
                self._steps_left = 0
                self._set_state(RunState.IDLE)

    def _pending(self) -> bool:
        return self._reset_requested or self._state_requested
