"""A sweep's results as they arrive: each trial's epochs and outcome, the summary row of a trial,
the sensitivity points (final return against a swept value, mean +- std over seeds) and the
per-epoch aggregate over seeds. Qt-free: ``vpg-sweep`` writes it, the window draws it.

>>> from vpg_gui.config import TrainConfig
>>> from vpg_gui.sweeps.spec import SweepSpec
>>> results = SweepResults(SweepSpec(TrainConfig(epochs=2), {"lr": (0.01, 0.1)}, (0, 1)))
>>> def stats(epoch, ret): return EpochStats(epoch, ret, 0, ret, ret, ret, 1, 500, 0, 0, 0.01, 500, 1, "e", 0.1, 5e3)
>>> for name, a, b in [("lr=0.01_seed=0", 10, 20), ("lr=0.01_seed=1", 10, 40), ("lr=0.1_seed=0", 50, 500)]:
...     results.add_epoch(name, stats(1, a)); results.add_epoch(name, stats(2, b))
...     results.end(name, seconds=1.0, node="n1")
>>> results.done, len(results.trials)
(3, 4)
>>> [(p.value, p.mean, p.std, p.n) for p in results.sensitivity("lr")[""]]
[(0.01, 30.0, 10.0, 2), (0.1, 500.0, 0.0, 1)]
>>> results.summary_row(results.trials["lr=0.1_seed=0"], 475.0)["solve_epoch"]
2
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.sweeps.spec import SweepSpec, Trial, value_text

SUMMARY_TAIL = (
    "final_return",
    "best_return",
    "solve_epoch",
    "steps_to_solve",
    "seconds",
    "node",
    "error",
)
AGGREGATE_COLUMNS = ("epoch", "seeds", "return_mean", "return_std", "return_min", "return_max", "length_mean")


@dataclass
class TrialResult:
    trial: Trial
    history: list[EpochStats] = field(default_factory=list)
    ended: bool = False
    seconds: float = 0.0  # wall time in its worker: building the trainer and every epoch
    node: str = ""  # the Ray node that ran it
    error: str = ""  # why it stopped before its last epoch (empty: it did not)

    @property
    def final_return(self) -> float | None:
        """Mean return over the last 10% of its epochs (at least one)."""
        if not self.history:
            return None
        tail = self.history[-max(1, len(self.history) // 10) :]
        return statistics.fmean(s.return_mean for s in tail)


@dataclass(frozen=True)
class Point:
    value: Any  # the swept field's value
    mean: float  # of the trials' final returns, over seeds
    std: float
    n: int  # trials with at least one epoch


class SweepResults:
    """The trials of ``spec`` and what has arrived of each."""

    def __init__(self, spec: SweepSpec):
        self.spec = spec
        self.trials = {t.name: TrialResult(t) for t in spec.trials()}

    @property
    def done(self) -> int:
        return sum(r.ended for r in self.trials.values())

    def add_epoch(self, name: str, stats: EpochStats) -> None:
        self.trials[name].history.append(stats)

    def end(self, name: str, seconds: float, node: str, error: str = "", history=None) -> None:
        """The trial is over; ``history`` (when given) is its authoritative list of epochs."""
        result = self.trials[name]
        if history is not None:
            result.history = list(history)
        result.ended, result.seconds, result.node, result.error = True, seconds, node, error

    def summary_columns(self) -> tuple[str, ...]:
        return ("trial", "seed", *self.spec.grid, *SUMMARY_TAIL)

    def summary_row(self, result: TrialResult, threshold: float | None) -> dict[str, Any]:
        """``summary.csv``'s row: solve_epoch is the first epoch whose mean return reaches
        ``threshold`` (the env's), empty when none did or the env has none."""
        history = result.history
        solve = next((s.epoch for s in history if threshold is not None and s.return_mean >= threshold), None)
        final = result.final_return
        return {
            "trial": result.trial.name,
            "seed": result.trial.config.seed,
            **{name: value_text(name, value) for name, value in result.trial.values.items()},
            "final_return": "" if final is None else round(final, 3),
            "best_return": max((s.return_mean for s in history), default=""),
            "solve_epoch": solve or "",
            "steps_to_solve": sum(s.steps for s in history[:solve]) if solve else "",
            "seconds": round(result.seconds, 3),
            "node": result.node,
            "error": result.error,
        }

    def sensitivity(self, name: str) -> dict[str, list[Point]]:
        """Final return against the values of swept field ``name``: one line per combination of
        the other swept fields (keyed by their text, "" when there are none), one point per value
        that has trials with epochs, mean +- std over them."""
        lines: dict[str, dict[Any, list[TrialResult]]] = {}
        for result in self.trials.values():
            if result.final_return is None:
                continue
            others = ", ".join(f"{k} {value_text(k, v)}" for k, v in result.trial.values.items() if k != name)
            lines.setdefault(others, {}).setdefault(result.trial.values[name], []).append(result)
        order = {value: i for i, value in enumerate(self.spec.grid[name])}
        return {
            others: [_point(value, by_value[value]) for value in sorted(by_value, key=order.__getitem__)]
            for others, by_value in lines.items()
        }

    def histories_with(self, name: str, value: Any) -> dict[str, list[EpochStats]]:
        """Trial name -> epochs, for the trials whose ``name`` is ``value``."""
        return {t: r.history for t, r in self.trials.items() if r.trial.values.get(name) == value and r.history}


def _point(value: Any, results: list[TrialResult]) -> Point:
    finals = [r.final_return for r in results]
    std = statistics.pstdev(finals) if len(finals) > 1 else 0.0
    return Point(value, statistics.fmean(finals), std, len(finals))


def aggregate(histories: list[list[EpochStats]]) -> list[dict]:
    """Per epoch reached by every run: the mean and std over runs (seeds) of the epoch's mean
    return, its min and max over them, and the mean episode length."""
    depth = min((len(h) for h in histories), default=0)
    rows = []
    for i in range(depth):
        means = [h[i].return_mean for h in histories]
        rows.append(
            {
                "epoch": i + 1,
                "seeds": len(means),
                "return_mean": statistics.fmean(means),
                "return_std": statistics.pstdev(means) if len(means) > 1 else 0.0,
                "return_min": min(means),
                "return_max": max(means),
                "length_mean": statistics.fmean(h[i].length_mean for h in histories),
            }
        )
    return rows
