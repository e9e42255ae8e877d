"""Runs read back from disk into the run model (model/runs.py), for ``vpg-plot``.

A path is one of: a run directory of ``vpg-train --out`` (``config.toml`` + ``metrics.csv``); a
race's directory (``vpg-train --race --out``: each lane a run); a sweep directory (``vpg-sweep``
or ``vpg-train --seeds``), read as one seed group per swept value
(or combination of values); a directory of ``seed-N/`` run directories (older ``--seeds``), one
group; the window's autosave directory (``last-run.*`` / ``previous-run.*``); or a metrics CSV
with its settings beside it (``X.toml`` or ``config.toml``). Every file is checked as when the
program reads it anywhere else (checksums, settings that import nothing).

    workspace = read_runs(["runs/lr-0.01", "runs/lr-0.1", "runs/seeds"])
"""

from __future__ import annotations

from pathlib import Path

from vpg_gui.algo.metrics import EpochStats, read_csv
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.formats.checked_text import checked_toml
from vpg_gui.formats.files import os_reason, read_text
from vpg_gui.model.runs import Run, SeedGroup, Workspace
from vpg_gui.storage.run_dir import RACE_FILE, lane_dirs
from vpg_gui.sweeps.files import SPEC_FILE, read_sweep
from vpg_gui.sweeps.results import SweepResults

AUTOSAVED = ("previous-run", "last-run")  # oldest first


class RunFilesError(ValueError):
    """A path that holds no run that can be read; the message names it and says why."""


def read_runs(paths: list[Path | str]) -> Workspace:
    """A workspace whose live run is the first run found and whose kept runs are the others."""
    runs: list[tuple[Path, TrainConfig, list[EpochStats]]] = []  # (where it came from, settings, history)
    groups: list[tuple[TrainConfig, dict[int, list[EpochStats]]]] = []
    for path in map(Path, paths):
        seeds = (
            sorted(p for p in path.glob("seed-*/metrics.csv") if p.parent.name[5:].isdigit()) if path.is_dir() else []
        )
        if path.is_dir() and (path / SPEC_FILE).exists():
            groups.extend(_sweep_groups(path))
        elif path.is_dir() and (path / RACE_FILE).exists():  # each lane a run
            lanes = [lane for lane in lane_dirs(path) if (lane / "metrics.csv").exists()]
            if not lanes:
                raise RunFilesError(f"{path}: the race has no lane with epochs yet")
            runs.extend((lane, *_read(lane / "metrics.csv", lane / "config.toml")) for lane in lanes)
        elif path.is_dir() and (path / "metrics.csv").exists():
            runs.append((path, *_read(path / "metrics.csv", path / "config.toml")))
        elif seeds:
            read = {int(csv.parent.name.removeprefix("seed-")): _read(csv, csv.parent / "config.toml") for csv in seeds}
            groups.append((next(iter(read.values()))[0], {seed: history for seed, (_, history) in read.items()}))
        elif path.is_dir() and any((path / f"{name}.csv").exists() for name in AUTOSAVED):
            for name in (n for n in AUTOSAVED if (path / f"{n}.csv").exists()):
                runs.append((path / f"{name}.csv", *_read(path / f"{name}.csv", path / f"{name}.toml")))
        elif path.is_file() and path.suffix == ".csv":
            beside = path.with_suffix(".toml")
            runs.append((path, *_read(path, beside if beside.exists() else path.parent / "config.toml")))
        elif path.is_symlink() and not path.exists():
            raise RunFilesError(f"{path}: a symbolic link to nothing (or a loop of links)")
        elif not path.exists():
            raise RunFilesError(f"{path}: no such file or directory")
        else:
            raise RunFilesError(
                f"{path}: holds no run (metrics.csv with config.toml, a sweep, seed-N/ directories, or autosave)"
            )
    if not runs and not groups:
        raise RunFilesError("no runs to plot")
    numbered = [Run(i + 1, config, str(where), history) for i, (where, config, history) in enumerate(runs)]
    base = len(numbered)
    seed_groups = [SeedGroup(base + i + 1, config, tuple(h), h) for i, (config, h) in enumerate(groups)]
    live = numbered[0] if numbered else Run(base + len(groups) + 1, seed_groups[0].config)
    live.started = bool(numbered)
    workspace = Workspace(live.config)
    workspace.adopt(live, numbered[1:], seed_groups)
    return workspace


def read_sweep_dir(path: Path) -> SweepResults:
    """The sweep in directory ``path`` (vpg-sweep --out); RunFilesError when it holds none or a
    file of it is damaged or unreadable."""
    if not (path / SPEC_FILE).exists():
        raise RunFilesError(f"{path}: holds no sweep ({SPEC_FILE} from vpg-sweep --out)")
    try:
        return read_sweep(path)
    except OSError as exc:
        raise RunFilesError(os_reason(exc)) from None
    except ValueError as exc:  # names the damaged file
        raise RunFilesError(f"{path}: {exc}") from None


def _sweep_groups(path: Path) -> list[tuple[TrainConfig, dict[int, list[EpochStats]]]]:
    """(settings, seed -> epochs) per combination of swept values with epochs on disk."""
    results = read_sweep_dir(path)
    groups: dict[tuple, tuple[TrainConfig, dict]] = {}
    for result in results.trials.values():
        if result.history:
            key = tuple(result.trial.values.values())
            config = result.trial.config.replace(seed=results.spec.seeds[0])
            groups.setdefault(key, (config, {}))[1][result.trial.config.seed] = result.history
    if not groups:
        raise RunFilesError(f"{path}: the sweep has no epochs yet")
    return list(groups.values())


def _read(csv: Path, toml: Path) -> tuple[TrainConfig, list[EpochStats]]:
    try:
        config = TrainConfig.from_dict(checked_toml(read_text(toml), toml.name))
        history = read_csv(csv)
    except OSError as exc:
        exc.filename = exc.filename or str(csv)
        raise RunFilesError(os_reason(exc)) from None
    except (ConfigError, ValueError, KeyError) as exc:  # checked_toml and read_csv say which file
        raise RunFilesError(f"{csv.parent}: {exc}") from None
    if not history:
        raise RunFilesError(f"{csv}: has no epochs yet")
    return config, history
