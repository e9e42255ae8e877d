"""EpochStats, the one summary each epoch produces, and the CSV file of a run's history.

>>> s = EpochStats(epoch=1, return_mean=20.0, return_std=5.0, return_min=9.0, return_max=40.0,
...                length_mean=20.0, episodes=250, steps=5012, loss=3.1, entropy=0.69, lr=0.01,
...                batch_steps=5000, seconds=0.05, steps_per_s=100240.0)
>>> EpochStats.from_dict(s.to_dict()) == s
True
>>> CSV_COLUMNS[:3]
('epoch', 'return_mean', 'return_std')
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vpg_gui.core.files import atomic_write_bytes


@dataclass(frozen=True)
class EpochStats:
    epoch: int  # counts from 1
    return_mean: float  # undiscounted episode returns of the epoch's batch
    return_std: float
    return_min: float
    return_max: float
    length_mean: float
    episodes: int
    steps: int
    loss: float  # the surrogate loss -mean(logp * weight) before the update
    entropy: float  # mean policy entropy over the batch's states (nats)
    lr: float  # the settings in force for this epoch
    batch_steps: int
    seconds: float  # wall time of sampling + update
    steps_per_s: float

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EpochStats:
        """From a dict with exactly these keys (CSV strings are converted to the field types)."""
        types = {f.name: f.type for f in dataclasses.fields(cls)}
        if set(data) != set(types):
            missing, extra = sorted(set(types) - set(data)), sorted(set(data) - set(types))
            raise ValueError(f"epoch record: missing {missing}, unexpected {extra}")
        return cls(**{k: (int if types[k] == "int" else float)(data[k]) for k in types})


CSV_COLUMNS = tuple(f.name for f in dataclasses.fields(EpochStats))


def csv_text(history: list[EpochStats]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(s.to_dict() for s in history)
    return out.getvalue()


def read_csv(path: Path) -> list[EpochStats]:
    with open(path, newline="") as f:
        return [EpochStats.from_dict(row) for row in csv.DictReader(f)]


class MetricsCsv:
    """metrics.csv that grows one flushed row per epoch, so a crash loses at most the epoch in flight.

    Starts by writing (atomically) the header and any history a resumed run already has.
    """

    def __init__(self, path: Path, history: list[EpochStats]):
        self.path = Path(path)
        atomic_write_bytes(self.path, csv_text(history).encode())
        self._file = open(self.path, "a", newline="")
        self._writer = csv.DictWriter(self._file, CSV_COLUMNS, lineterminator="\n")

    def append(self, stats: EpochStats) -> None:
        self._writer.writerow(stats.to_dict())
        self._file.flush()

    def close(self) -> None:
        self._file.close()
