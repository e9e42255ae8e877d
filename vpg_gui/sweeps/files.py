"""A sweep's directory, written by the driver as results arrive and read back by ``vpg-plot``.

    DIR/sweep.toml                  what was swept: base settings, grid, seeds (checksummed)
    DIR/trials/<trial>/config.toml  each trial's settings, and its metrics.csv as vpg-train writes it
    DIR/summary.csv                 one row per ended trial, rewritten as each one ends
    DIR/aggregate.csv               per epoch, mean and spread over the seeds (a sweep over seeds only)

The driver writes everything, so a sweep on a cluster leaves its files on the machine that ran it.

    files = SweepFiles(Path("runs/lr"), results)
    files.epoch(name); files.end(name, threshold); files.close()
    results = read_sweep(Path("runs/lr"))
"""

from __future__ import annotations

from pathlib import Path

from vpg_gui.algo.metrics import MetricsCsv, finite_float, read_csv
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.formats.checked_text import checked_toml, csv_text, read_rows, toml_with_checksum
from vpg_gui.formats.files import atomic_write_bytes, read_text
from vpg_gui.sweeps.results import AGGREGATE_COLUMNS, SweepResults, aggregate
from vpg_gui.sweeps.spec import SweepSpec

SPEC_FILE, SUMMARY_FILE, AGGREGATE_FILE, TRIALS_DIR = "sweep.toml", "summary.csv", "aggregate.csv", "trials"


class SweepFiles:
    def __init__(self, out: Path, results: SweepResults):
        self.out, self.results = out, results
        self._csvs: dict[str, MetricsCsv] = {}
        atomic_write_bytes(out / SPEC_FILE, toml_with_checksum(spec_dict(results.spec)).encode())
        self._rows: list[dict] = []

    def epoch(self, name: str) -> None:
        """Append the trial's last epoch to its metrics.csv (created at its first)."""
        history = self.results.trials[name].history
        if name not in self._csvs:
            trial_dir = self.out / TRIALS_DIR / name
            trial_dir.mkdir(parents=True, exist_ok=True)
            config = self.results.trials[name].trial.config
            atomic_write_bytes(trial_dir / "config.toml", toml_with_checksum(config.to_dict()).encode())
            self._csvs[name] = MetricsCsv(trial_dir / "metrics.csv", history)
        else:
            self._csvs[name].append(history)

    def end(self, name: str, threshold: float | None) -> None:
        if name in self._csvs:
            self._csvs.pop(name).close()
        self._rows.append(self.results.summary_row(self.results.trials[name], threshold))
        columns = self.results.summary_columns()
        atomic_write_bytes(self.out / SUMMARY_FILE, csv_text(columns, self._rows).encode())

    def close(self) -> None:
        """Close what is open; a sweep over seeds alone also gets its per-epoch aggregate."""
        for metrics in self._csvs.values():
            metrics.close()
        self._csvs.clear()
        histories = [r.history for r in self.results.trials.values() if r.history]
        if not self.results.spec.grid and histories:
            atomic_write_bytes(self.out / AGGREGATE_FILE, csv_text(AGGREGATE_COLUMNS, aggregate(histories)).encode())


def spec_dict(spec: SweepSpec) -> dict:
    """The spec as plain data (each value as its field is written in a config.toml)."""
    grid = {
        name: [spec.base.replace(**{name: v}).to_dict()[name] for v in values] for name, values in spec.grid.items()
    }
    return {"seeds": list(spec.seeds), "base": spec.base.to_dict(), "grid": grid}


def spec_from_dict(data: dict) -> SweepSpec:
    """The inverse of spec_dict; every value is checked as a config.toml's would be."""
    try:
        base = TrainConfig.from_dict(data["base"])
        grid = {
            str(name): tuple(getattr(TrainConfig.from_dict({**data["base"], name: v}), name) for v in values)
            for name, values in data["grid"].items()
        }
        seeds = tuple(int(s) for s in data["seeds"])
    except ConfigError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"{SPEC_FILE}: not a sweep's description ({type(exc).__name__}: {exc})") from None
    return SweepSpec(base, grid, seeds)


def read_sweep(path: Path) -> SweepResults:
    """The sweep in directory ``path``: its trials with the epochs on disk and their summary rows.
    ValueError names a damaged or missing file; OSError one that cannot be read."""
    spec = spec_from_dict(checked_toml(read_text(path / SPEC_FILE), SPEC_FILE))
    results = SweepResults(spec)
    ended = {}
    if (path / SUMMARY_FILE).exists():
        rows = read_rows(path / SUMMARY_FILE)
        missing = [c for c in ("trial", "seconds", "node", "error") if rows and c not in rows[0]]
        if missing:
            raise ValueError(f"{SUMMARY_FILE}: lacks the column {missing[0]!r}")
        ended = {row["trial"]: row for row in rows}
    for name, result in results.trials.items():
        metrics = path / TRIALS_DIR / name / "metrics.csv"
        result.history = read_csv(metrics) if metrics.exists() else []
        if name in ended:
            row = ended[name]
            results.end(name, finite_float(row["seconds"] or 0, "seconds", SUMMARY_FILE), row["node"], row["error"])
    return results
