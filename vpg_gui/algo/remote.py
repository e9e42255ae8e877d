"""TrainerProcess: a Trainer in a child process, driven with the same calls over a pipe.

The window trains through this so that training and the GUI never share a GIL. Measured
(benchmarks/soak_gui.py): with the Trainer on a thread, its torch calls release and retake the
GIL every few microseconds, and a GUI thread waiting for it can starve for tens of milliseconds
whatever ``sys.setswitchinterval`` says. The child loads torch, so the calling process need not.
The pipe carries pickles only between this process and its own child, never from a file.

>>> from vpg_gui.config import TrainConfig
>>> with TrainerProcess() as remote:
...     info = remote.new_run(TrainConfig(batch_steps=500, seed=1, epochs=1))
...     stats = remote.train_epoch()
...     finished = remote.finished
>>> info.n_actions, stats.epoch, finished, remote.snapshot.layers[0][0].shape
(2, 1, True, (4, 32))
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import time
import traceback
from collections.abc import Callable

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.config import TrainConfig
from vpg_gui.envs.ids import allow_modules, modules_for
from vpg_gui.envs.make import EnvInfo
from vpg_gui.errors import EpochCancelled, TrainingDiverged

Cancel = Callable[[], bool] | None  # polled while waiting; True cuts the call short (EpochCancelled)
POLL_S = 0.05  # how often a wait for the child looks at ``cancel``
CANCEL_GRACE_S = 1.0  # how long a cancelled call waits for the child before killing it
# The update inspector's records cross the pipe up to this batch size (~6 MB); a bigger batch's
# would cost the window more than it shows (vpg-train --record-batches keeps any size).
WINDOW_RECORD_STEPS = 100_000


class RemoteError(Exception):
    """An exception raised in the child; ``details`` is its traceback there."""

    def __init__(self, message: str, details: str):
        super().__init__(message)
        self.details = details


class TrainerProcess:
    """One child process for many runs: ``new_run`` replaces the child's Trainer (torch is loaded
    once). Calls block until the child answers; a ``cancel`` callback can cut the wait short."""

    def __init__(self, nice: int = 0):
        """``nice``: how much lower the child's scheduling priority is (os.nice), so that several
        of them (a race's lanes) leave the window's thread the CPU it needs whenever it wakes."""
        ctx = process_context()
        self._conn, child_end = ctx.Pipe()
        self._cancel = ctx.RawValue("b", 0)  # read by the child every vector step: no lock
        self._process = ctx.Process(
            target=_serve, args=(child_end, self._cancel, nice), name="vpg-trainer", daemon=True
        )
        self._process.start()
        child_end.close()
        self.config: TrainConfig | None = None  # settings of the run, None before new_run()
        self.epoch = 0
        self.snapshot = None  # NumpyPolicy of the latest weights (after new_run or an epoch)
        self.record = None  # BatchRecord of the last epoch: what its update did (batch_record.py)

    def __enter__(self) -> TrainerProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def has_run(self) -> bool:
        return self.config is not None

    @property
    def finished(self) -> bool:
        return self.config is not None and 0 < self.config.epochs <= self.epoch

    def new_run(
        self, config: TrainConfig, state: dict | None = None, cancel: Cancel = None, record: bool = True
    ) -> EnvInfo:
        """Start a run from ``config`` or continue ``state`` (Trainer.state()); returns its EnvInfo.
        ``record``: keep each epoch's batch record (the window's update inspector; off headless)."""
        info, self.snapshot = self._call(("new", config, state, modules_for(config.env_id), record), cancel)
        self.config, self.epoch = config, len(state["history"]) if state else 0
        return info

    def drop_run(self) -> None:
        """Forget the run here; the child's Trainer is replaced by the next new_run()."""
        self.config, self.snapshot = None, None

    def train_epoch(self, cancel: Cancel = None) -> EpochStats:
        """Like Trainer.train_epoch: raises EpochCancelled or TrainingDiverged as it does."""
        self.begin_epoch()
        return self.end_epoch(cancel)

    def begin_epoch(self) -> None:
        """Start an epoch and return at once, so several children train at the same time (a race);
        ``end_epoch`` waits for it (``connection`` is ready when it would not wait)."""
        self._send(("epoch",))

    def end_epoch(self, cancel: Cancel = None) -> EpochStats:
        """The epoch begun: its EpochStats (snapshot and record are then its policy and batch)."""
        stats, self.snapshot, self.record = self._receive(cancel)
        self.epoch = stats.epoch
        return stats

    @property
    def connection(self):
        """The pipe's end here, for multiprocessing.connection.wait over several children."""
        return self._conn

    def save(self, path, cancel: Cancel = None) -> None:
        """Write the run's checkpoint to ``path`` (as Trainer.save), from the child."""
        self._call(("save", str(path)), cancel)

    def apply(self, config: TrainConfig, cancel: Cancel = None) -> None:
        self._call(("apply", config), cancel)
        self.config = config

    def state(self, cancel: Cancel = None) -> dict:
        return self._call(("state",), cancel)

    @property
    def pid(self) -> int:
        """The child process's id."""
        return self._process.pid

    def close(self, grace: float = CANCEL_GRACE_S) -> None:
        """End the child: politely (cutting an epoch in flight short), by force after ``grace`` seconds."""
        self.ask_to_close()
        deadline = time.monotonic() + grace
        while self._process.is_alive() and time.monotonic() < deadline:
            # A reply the child is sending (an epoch's, hundreds of KB) fills the pipe: take it, or the
            # child waits in send() and never reads "close" (seen: End race killing a lane after 1 s).
            try:
                if self._conn.poll(POLL_S / 5):
                    self._conn.recv()
            except (EOFError, OSError):
                self._process.join(max(0.0, deadline - time.monotonic()))
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._conn.close()

    def ask_to_close(self) -> None:
        """Cancel what the child does and tell it to end, without waiting (close_all ends many at once)."""
        self._cancel.value = 1
        if self._process.is_alive():
            try:
                self._conn.send(("close",))
            except OSError:
                pass

    def _call(self, message: tuple, cancel: Cancel):
        self._send(message)
        return self._receive(cancel)

    def _send(self, message: tuple) -> None:
        self._cancel.value = 0
        try:
            self._conn.send(message)
        except OSError:
            self._ended()

    def _ended(self):
        self._process.join(CANCEL_GRACE_S)  # the pipe can close before the exit is seen
        raise RuntimeError(f"the training process ended unexpectedly (exit code {self._process.exitcode})") from None

    def _receive(self, cancel: Cancel):
        try:
            waited = None  # seconds since the call was cancelled
            while not self._conn.poll(POLL_S):
                if not self._process.is_alive():
                    raise EOFError
                if waited is None and cancel is not None and cancel():
                    self._cancel.value = 1
                    waited = 0.0
                elif waited is not None:
                    waited += POLL_S
                    if waited >= CANCEL_GRACE_S:  # busy in something it cannot cut short
                        self._process.kill()
                        raise EpochCancelled
            kind, payload = self._conn.recv()
        except (EOFError, OSError):
            self._ended()
        if kind == "ok":
            return payload
        if kind == "cancelled":
            raise EpochCancelled
        if kind == "diverged":
            raise TrainingDiverged(payload)
        raise RemoteError(*payload)


def close_all(remotes: list[TrainerProcess], grace: float = CANCEL_GRACE_S) -> None:
    """End several children at once: all are told first, so together they take ``grace`` at most."""
    for remote in remotes:
        remote.ask_to_close()
    deadline = time.monotonic() + grace
    for remote in remotes:
        remote.close(max(0.0, deadline - time.monotonic()))


def start_server() -> None:
    """Start the fork server now, so that it has loaded torch (~2 s, in its own process) by the
    time the first TrainerProcess asks for a child. Returns at once."""
    if process_context().get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()


def process_context():
    """Fork would copy the GUI's threads' locks mid-use; spawn would load torch anew in every child
    (2 s). A fork server loads it once, and forks each child from that clean process."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["vpg_gui.algo.trainer"])
    return ctx


def _serve(conn, cancel, nice: int = 0) -> None:
    """The child's loop: one reply per request, until "close" or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the parent's to handle
    if nice:
        os.nice(nice)
    from vpg_gui.algo.trainer import Trainer  # torch loads here

    trainer = None
    while True:
        try:
            op, *args = conn.recv()
        except (EOFError, OSError):
            break
        if op == "close":
            break
        try:
            if op == "new":
                config, state, modules, record = args
                allow_modules(modules)  # env modules the user named in the parent
                if trainer is not None:
                    trainer.close()
                    trainer = None
                trainer = Trainer.from_state("session", state) if state else Trainer(config)
                trainer.record_batches = record  # the window's update inspector shows them
                reply = ("ok", (trainer.info, trainer.sampling_policy()))
            elif op == "epoch":
                stats = trainer.train_epoch(cancel=lambda: bool(cancel.value))
                record = trainer.last_record  # the window keeps records of batches up to WINDOW_RECORD_STEPS
                record = record if record is not None and len(record.weights) <= WINDOW_RECORD_STEPS else None
                reply = ("ok", (stats, trainer.sampling_policy(), record))
            elif op == "save":
                trainer.save(args[0])
                reply = ("ok", None)
            elif op == "apply":
                trainer.apply(args[0])
                reply = ("ok", None)
            else:  # "state"
                reply = ("ok", trainer.state())
        except EpochCancelled:
            reply = ("cancelled", None)
        except TrainingDiverged as exc:
            reply = ("diverged", str(exc))
        except Exception as exc:
            reply = ("error", (str(exc) or type(exc).__name__, traceback.format_exc()))
        try:
            conn.send(reply)
        except (OSError, ValueError):
            break
    if trainer is not None:
        trainer.close()
