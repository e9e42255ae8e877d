"""Per-epoch metrics as TensorBoard scalars (tensorboardX's writer), for ``--tensorboard DIR``.

    log = ScalarLog("runs/tb/rtg")      # then: tensorboard --logdir runs/tb
    log.add(stats); ...; log.close()
    logs = TrialLogs(Path("runs/tb"))   # a sweep: runs/tb/<trial>/ each
    logs.add(trial_name, stats); logs.end(trial_name)

Every numeric column of metrics.csv is one scalar, ``vpg/<column>``, at step = the epoch.
"""

from __future__ import annotations

from pathlib import Path

from vpg_gui.core.metrics import EpochStats


class ScalarLog:
    def __init__(self, logdir: Path | str):
        from tensorboardX import SummaryWriter  # only when asked for: it loads protobuf

        self.writer = SummaryWriter(str(logdir))

    def add(self, stats: EpochStats) -> None:
        for name, value in stats.to_dict().items():
            if isinstance(value, int | float) and not isinstance(value, bool) and name != "epoch":
                self.writer.add_scalar(f"vpg/{name}", value, stats.epoch)
        self.writer.flush()  # a run stopped at any moment has every finished epoch on disk

    def close(self) -> None:
        self.writer.close()


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
