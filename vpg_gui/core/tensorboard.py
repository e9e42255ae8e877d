"""Per-epoch metrics as TensorBoard scalars (tensorboardX's writer), for ``--tensorboard DIR``.

    log = ScalarLog("runs/tb/rtg")      # then: tensorboard --logdir runs/tb
    log.add(stats); ...; log.close()

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
