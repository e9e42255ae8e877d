"""EpochStats, the one summary each epoch produces, and the CSV file of a run's history.

>>> s = EpochStats(epoch=1, return_mean=20.0, return_std=5.0, return_min=9.0, return_max=40.0,
...                length_mean=20.0, episodes=250, steps=5012, loss=3.1, entropy=0.69, lr=0.01,
...                batch_steps=5000, gamma=1.0, weighting="episode-return", seconds=0.05,
...                steps_per_s=100240.0)
>>> EpochStats.from_dict(s.to_dict()) == s
True
>>> CSV_COLUMNS[:3]
('epoch', 'return_mean', 'return_std')
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import itertools
import math
import operator
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vpg_gui.config import TrainConfig, shown
from vpg_gui.envs.physics import KNOBS, parse_physics
from vpg_gui.formats import checked_text
from vpg_gui.formats.files import atomic_write_bytes, open_no_follow

# The hot settings each epoch records (what the change markers compare).
HOT_STATS = (
    "lr",
    "batch_steps",
    "gamma",
    "weighting",
    "baseline",
    "value_lr",
    "value_iters",
    "gae_lambda",
    "normalize_advantages",
    "entropy_coef",
    "physics",
)


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
    lr: float  # the hot settings in force for this epoch
    batch_steps: int
    gamma: float
    weighting: str
    seconds: float  # wall time of sampling + update
    steps_per_s: float
    # Diagnostics and the estimator's settings; defaults are what files from before them meant.
    value_loss: float = 0.0  # the value net's squared error on this batch before fitting (0: no baseline)
    kl: float = 0.0  # mean KL(policy before || after the update) over the batch's states
    grad_norm: float = 0.0  # L2 norm of the loss gradient
    grad_var: float = 0.0  # variance of the policy-gradient estimate, from its episodes (see diagnostics.py)
    baseline: str = "none"
    value_lr: float = 1e-2
    value_iters: int = 25
    gae_lambda: float = 0.97
    normalize_advantages: bool = False
    entropy_coef: float = 0.0
    physics: str = ""  # the physics knobs set, e.g. "gravity=12,length=0.8" (empty: the env's defaults)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EpochStats:
        """From a dict with these keys (CSV strings are converted to the field types; a CSV's
        derived ``change`` and ``check`` columns are ignored; fields added later may be absent).
        Every value is checked as a file's must be: finite numbers, counts in range, hot
        settings that TrainConfig allows; ValueError names the field and the value.

        >>> EpochStats.from_dict({**_EXAMPLE, "return_mean": "nan"})
        Traceback (most recent call last):
        ...
        ValueError: epoch record: return_mean = 'nan': must be a finite number
        """
        if not isinstance(data, dict):
            raise ValueError(f"epoch record: {shown(data)} is not a table of values")
        fields = _FIELDS
        missing, extra = sorted(_REQUIRED - set(data)), sorted(set(data) - set(fields) - {"change", "check"})
        if missing or extra:
            raise ValueError(f"epoch record: missing {shown(missing, 120)}, unexpected {shown(extra, 80)}")
        values = {k: _KINDS[fields[k]](v, k) for k, v in data.items() if k in fields}
        for name, (lo, hi) in _COUNTS.items():
            if name in values and not lo <= values[name] <= hi:
                raise ValueError(f"epoch record: {name} = {values[name]}: must be between {lo} and {hi}")
        _check_hot(tuple(values.get(k, _DEFAULTS.get(k)) for k in HOT_STATS))
        return cls(**values)


def finite_float(value: Any, field: str, where: str = "epoch record") -> float:
    """``value`` (a number, or text as csv writes one) as a finite float; ValueError naming the field."""
    try:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError
        number = float(value)
    except (ValueError, OverflowError):
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(f"{where}: {field} = {shown(value)}: must be a finite number")
    return number


def _int(value: Any, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    raise ValueError(f"epoch record: {field} = {shown(value)}: must be a whole number")


def _str(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ValueError(f"epoch record: {field} = {shown(value)}: must be text of at most 200 characters")
    return value


def _bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("True", "False"):  # as csv writes them
        return value == "True"
    raise ValueError(f"epoch record: {field} = {shown(value)}: must be True or False")


_FIELDS = {f.name: f.type for f in dataclasses.fields(EpochStats)}
_REQUIRED = frozenset(f.name for f in dataclasses.fields(EpochStats) if f.default is dataclasses.MISSING)
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(EpochStats) if f.default is not dataclasses.MISSING}
_KINDS = {"int": _int, "float": finite_float, "str": _str, "bool": _bool}
MAX_COUNT = 2**31 - 1
_COUNTS = {  # ranges of the counts and times (TrainConfig's ranges check the hot settings)
    "epoch": (1, MAX_COUNT),
    "episodes": (0, MAX_COUNT),
    "steps": (0, MAX_COUNT),
    "seconds": (0, math.inf),
    "steps_per_s": (0, math.inf),
    "return_std": (0, math.inf),
}


@functools.lru_cache(maxsize=256)  # a run's epochs share a few combinations: a million rows check a few
def _check_hot(values: tuple) -> None:
    """The hot settings an epoch recorded, checked as TrainConfig checks them (physics: knobs
    some environment has, within their ranges)."""
    hot = dict(zip(HOT_STATS, values, strict=True))
    physics = hot.pop("physics")
    try:
        parsed = parse_physics(physics)
        TrainConfig(**hot).validate()
    except ValueError as exc:  # ConfigError is one
        raise ValueError(f"epoch record: {exc}") from None
    for name, value in parsed:
        ranges = [knobs[name] for knobs in KNOBS.values() if name in knobs]
        if not ranges or not any(lo <= value <= hi for lo, hi, _ in ranges):
            raise ValueError(f"epoch record: physics = {shown(physics)}: no environment has {name} = {value:g}")


_EXAMPLE = {
    "epoch": 1, "return_mean": 20.0, "return_std": 5.0, "return_min": 9.0, "return_max": 40.0, "length_mean": 20.0,
    "episodes": 250, "steps": 5012, "loss": 3.1, "entropy": 0.69, "lr": 0.01, "batch_steps": 5000, "gamma": 1.0,
    "weighting": "episode-return", "seconds": 0.05, "steps_per_s": 100240.0,
}  # fmt: skip


STATS_COLUMNS = tuple(f.name for f in dataclasses.fields(EpochStats))
# metrics.csv adds "change": the hot settings that changed at that epoch (the plots' markers).
CSV_COLUMNS = (*STATS_COLUMNS, "change")
RACE_COLUMNS = ("lane", *CSV_COLUMNS)  # vpg-train --race's race.csv: a row per epoch and lane


def csv_rows(history: list[EpochStats]) -> list[dict[str, Any]]:
    labels = dict(changes(history))
    return [{**s.to_dict(), "change": labels.get(s.epoch, "")} for s in history]


def csv_text(history: list[EpochStats]) -> str:
    """metrics.csv's text: a header and a row per epoch, each row with its check (checked_text.py)."""
    return checked_text.csv_text(CSV_COLUMNS, csv_rows(history))


def read_csv(path: Path) -> list[EpochStats]:
    """The history in a metrics CSV; ValueError names a damaged row, OSError an unreadable file.

    Checked column by column (a million rows in seconds, against a minute row by row); only
    when a column fails is the file read again row by row, so that the message names the row
    and the value exactly as ``EpochStats.from_dict`` does."""
    header, columns = checked_text.read_table(path)
    checked = _from_columns(header, columns)
    if checked is not None:
        return checked
    name = Path(path).name
    history = []
    for number, row in enumerate(checked_text.as_dicts(header, columns), start=2):  # line 1 is the header
        try:
            history.append(EpochStats.from_dict(row))
        except ValueError as exc:
            raise ValueError(f"{name}: line {number}: {exc}") from None
    return history


def _from_columns(header: list[str], columns: list) -> list[EpochStats] | None:
    """The rows (``columns``: pyarrow string arrays) as EpochStats when every column passes
    from_dict's checks, applied to whole columns at once; None when one does not (or the
    columns are not EpochStats')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if _REQUIRED - set(header) or set(header) - set(_FIELDS) - {"change", "check"}:
        return None
    rows = len(columns[0])
    if not rows:
        return []
    values: dict[str, list] = {}
    for name, column in zip(header, columns, strict=True):
        kind = _FIELDS.get(name)
        if kind in ("int", "float"):
            if kind == "int" and not pc.all(pc.match_substring_regex(column, r"^[0-9]{1,12}$")).as_py():
                return None
            try:
                array = pc.cast(column, pa.int64() if kind == "int" else pa.float64()).to_numpy()
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                return None
            lo, hi = _COUNTS.get(name, (-math.inf, math.inf))
            if not (np.isfinite(array) & (array >= lo) & (array <= hi)).all():
                return None
            values[name] = array.tolist()
        elif kind == "bool":
            if not set(column.unique().to_pylist()) <= {"True", "False"}:
                return None
            values[name] = pc.equal(column, "True").to_pylist()
        elif kind == "str":
            if pc.max(pc.utf8_length(column)).as_py() > 200:
                return None
            values[name] = column.to_pylist()
    hot = [values.get(name, [_DEFAULTS.get(name)] * rows) for name in HOT_STATS]
    try:
        for combination in set(zip(*hot, strict=True)):
            _check_hot(combination)
    except ValueError:
        return None
    # Made without __init__ (a million frozen dataclass inits cost seconds): the values are
    # exactly what from_dict would pass it, checked above. The garbage collector is held off
    # while they are made: its passes over the growing list cost more than the making (5.0 s
    # against 2.1 s for a million).
    defaults = {name: value for name, value in _DEFAULTS.items() if name not in values}
    names = [*values, *defaults]
    filled = [*values.values(), *map(itertools.repeat, defaults.values())]
    new, assign, made = object.__new__, object.__setattr__, []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for row in zip(*filled, strict=False):  # the repeats are endless: the columns end it
            stats = new(EpochStats)
            assign(stats, "__dict__", dict(zip(names, row, strict=True)))
            made.append(stats)
    finally:
        if collecting:
            gc.enable()
    return made


class MetricsCsv:
    """metrics.csv that grows one row per epoch, so a crash loses at most the epoch in flight.

    Starts by writing (atomically) the header and any history a resumed run already has. A row
    that cannot be written whole (a full disk) is cut off again: the file never ends in half a row.
    """

    def __init__(self, path: Path, history: list[EpochStats], columns: tuple[str, ...] = CSV_COLUMNS):
        self.path = Path(path)
        self.columns = columns  # a race's race.csv: RACE_COLUMNS, a lane's number first
        atomic_write_bytes(self.path, checked_text.csv_text(columns, csv_rows(history)).encode())
        self._fd = open_no_follow(self.path, os.O_WRONLY | os.O_APPEND)

    def append(self, history: list[EpochStats], **cells) -> None:
        """Write the last epoch of ``history`` (the whole history names what changed at it), with
        ``cells`` of the columns beyond an epoch's (race.csv's lane)."""
        row = {**cells, **csv_rows(history[-2:])[-1]}
        line = checked_text.csv_line(self.columns, row).encode()
        size = os.fstat(self._fd).st_size
        try:
            written = 0
            while written < len(line):
                written += os.write(self._fd, line[written:])
        except OSError as exc:
            os.ftruncate(self._fd, size)
            exc.filename = str(self.path)
            raise

    def close(self) -> None:
        os.close(self._fd)


def changes(history: list[EpochStats]) -> list[tuple[int, str]]:
    """(epoch, label) where a hot setting differs from the epoch before: the change markers.

    >>> a = EpochStats(1, 20, 5, 10, 40, 20, 250, 5000, 3.1, 0.69, 0.01, 5000, 1.0, "episode-return", 0.05, 1e5)
    >>> b = dataclasses.replace(a, epoch=2, lr=0.1, weighting="reward-to-go")
    >>> changes([a, b])
    [(2, 'lr 0.01 -> 0.1, weighting episode-return -> reward-to-go')]
    """
    by_epoch: dict[int, list[str]] = {}
    for epoch, name, before, after in hot_changes(history):
        by_epoch.setdefault(epoch, []).append(f"{name} {_shown(before)} -> {_shown(after)}")
    return [(epoch, ", ".join(diffs)) for epoch, diffs in by_epoch.items()]


def hot_changes(history: list[EpochStats]) -> list[tuple[int, str, Any, Any]]:
    """(epoch, setting, before, after) for each hot setting that differs from the epoch before,
    in epoch order and HOT_STATS order: what the markers and the run labels are made of."""
    values = list(map(_HOT_VALUES, history))  # compared as tuples first: a million epochs in a second
    return [
        (history[i].epoch, name, before, after)
        for i in range(1, len(values))
        if values[i] != values[i - 1]
        for name, before, after in zip(HOT_STATS, values[i - 1], values[i], strict=True)
        if before != after
    ]


_HOT_VALUES = operator.attrgetter(*HOT_STATS)


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
