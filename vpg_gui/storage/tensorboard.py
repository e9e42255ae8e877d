"""Per-epoch metrics as TensorBoard scalars (tensorboardX's event files), for ``--tensorboard DIR``.

    log = ScalarLog("runs/tb/rtg")      # then: tensorboard --logdir runs/tb
    log.add(stats); ...; log.close()
    logs = TrialLogs(Path("runs/tb"))   # a sweep: runs/tb/<trial>/ each
    logs.add(trial_name, stats); logs.end(trial_name)

Every numeric column of metrics.csv is one scalar, ``vpg/<column>``, at step = the epoch.

Written with tensorboardX's synchronous ``EventsWriter``, not its ``SummaryWriter``: that one
writes from a thread of its own and flushes again at exit, so a full disk became two
tracebacks (one of them at exit, after the program's own message). Here a write that fails is
an OSError naming the log directory, raised in the caller, and closing after it stays quiet.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from vpg_gui.algo.metrics import EpochStats


class ScalarLog:
    def __init__(self, logdir: Path | str):
        from tensorboardX.event_file_writer import EventsWriter  # only when asked for: it loads protobuf

        self.logdir = Path(logdir)
        with _naming(self.logdir):
            self.logdir.mkdir(parents=True, exist_ok=True)
            self._writer = EventsWriter(str(self.logdir / "events"))  # events.out.tfevents.<time>.<host>

    def add(self, stats: EpochStats) -> None:
        from tensorboardX.proto.event_pb2 import Event
        from tensorboardX.summary import scalar

        with _naming(self.logdir):
            for name, value in stats.to_dict().items():
                if isinstance(value, int | float) and not isinstance(value, bool) and name != "epoch":
                    event = Event(wall_time=time.time(), step=stats.epoch, summary=scalar(f"vpg/{name}", value))
                    self._writer.write_event(event)
            self._writer.flush()  # a run stopped at any moment has every finished epoch on disk

    def close(self) -> None:
        with contextlib.suppress(OSError):  # a full disk was said when it happened
            self._writer.close()


@contextlib.contextmanager
def _naming(logdir: Path):
    """An OSError from the block names ``logdir`` when it names no file (a failed write)."""
    try:
        yield
    except OSError as exc:
        exc.filename = exc.filename or str(logdir)
        raise


class TrialLogs:
    """--tensorboard for a sweep: each trial's scalars in DIR/<trial>/, written as its epochs arrive."""

    def __init__(self, root: Path | None):
        self.root, self.open = root, {}

    def add(self, name: str, stats: EpochStats) -> None:
        if self.root is None:
            return
        if name not in self.open:
            self.open[name] = ScalarLog(self.root / name)
        self.open[name].add(stats)

    def end(self, name: str) -> None:
        if name in self.open:
            self.open.pop(name).close()

    def close(self) -> None:
        for name in list(self.open):
            self.end(name)
