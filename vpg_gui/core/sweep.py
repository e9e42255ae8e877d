"""Seed sweeps: the same settings trained under several seeds, in parallel processes.

One run's curve says little about a setting: seeds differ a lot. A sweep trains each seed in
its own process (up to ``workers`` at a time, forked from the fork server that has torch
loaded), reports every finished epoch as it happens, and aggregates the curves per epoch.

>>> from vpg_gui.config import TrainConfig
>>> parse_seeds("0-2"), parse_seeds("3,5")
([0, 1, 2], [3, 5])
>>> sweep = SeedSweep(TrainConfig(batch_steps=300, epochs=2), [0, 1], workers=2)
>>> runs = sweep.wait()
>>> sorted(runs), [len(h) for h in runs.values()]
([0, 1], [2, 2])
>>> [row["seeds"] for row in aggregate(runs)]
[2, 2]
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import statistics
from pathlib import Path

from vpg_gui.config import TrainConfig
from vpg_gui.core.env_ids import allow_modules, modules_for
from vpg_gui.core.metrics import EpochStats, MetricsCsv
from vpg_gui.core.remote import process_context

MAX_SEEDS = 64
AGGREGATE_COLUMNS = ("epoch", "seeds", "return_mean", "return_std", "return_min", "return_max", "length_mean")


def parse_seeds(text: str) -> list[int]:
    """ "0-4" -> [0, 1, 2, 3, 4]; "1,3,7" -> [1, 3, 7]; ValueError says what is allowed."""
    try:
        if "-" in text:
            lo, hi = (int(part) for part in text.split("-"))
            seeds = list(range(lo, hi + 1))
        else:
            seeds = [int(part) for part in text.split(",")]
    except ValueError:
        seeds = []
    if not seeds or len(seeds) > MAX_SEEDS or len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise ValueError(f"{text!r}: must be a range like 0-4 or a list like 1,3,7 ({MAX_SEEDS} seeds at most)")
    return seeds


class SeedSweep:
    """Runs ``config`` under each seed in the background; poll() or wait() for the results.
    ``out``: each seed's metrics.csv, config and checkpoint go to out/seed-N/."""

    def __init__(self, config: TrainConfig, seeds: list[int], workers: int | None = None, out: Path | None = None):
        ctx = process_context()
        self.progress = ctx.Queue()  # (seed, EpochStats) per finished epoch
        self._pool = ctx.Pool(
            min(workers or os.cpu_count() or 1, len(seeds)), _init, (self.progress, modules_for(config.env_id))
        )
        self._results = {
            seed: self._pool.apply_async(_run_seed, (config.replace(seed=seed), out and out / f"seed-{seed}"))
            for seed in seeds
        }
        self._pool.close()
        self.histories: dict[int, list[EpochStats]] = {seed: [] for seed in seeds}
        self.errors: dict[int, str] = {}  # seed -> why it stopped early

    def poll(self) -> bool:
        """Take in the epochs finished so far; True once every seed has ended."""
        while True:
            try:
                seed, stats = self.progress.get_nowait()
            except queue.Empty:
                break
            self.histories[seed].append(stats)
        done = all(r.ready() for r in self._results.values())
        if done:
            for seed, result in self._results.items():
                history, error = result.get()
                self.histories[seed] = history  # the authoritative copy
                if error:
                    self.errors[seed] = error
        return done

    def wait(self) -> dict[int, list[EpochStats]]:
        self._pool.join()
        self.poll()
        return self.histories

    def pids(self) -> list[int]:
        """The ids of the worker processes."""
        return [process.pid for process in self._pool._pool]  # multiprocessing keeps them there

    def cancel(self) -> None:
        """Stop every seed's process now."""
        self._pool.terminate()
        self._pool.join()


def aggregate(histories: dict[int, list[EpochStats]]) -> list[dict]:
    """Per epoch reached by every seed: the mean and std over seeds of the epoch's mean return,
    its min and max over seeds, and the mean episode length."""
    depth = min((len(h) for h in histories.values()), default=0)
    rows = []
    for i in range(depth):
        means = [h[i].return_mean for h in histories.values()]
        rows.append(
            {
                "epoch": i + 1,
                "seeds": len(means),
                "return_mean": statistics.fmean(means),
                "return_std": statistics.pstdev(means) if len(means) > 1 else 0.0,
                "return_min": min(means),
                "return_max": max(means),
                "length_mean": statistics.fmean(h[i].length_mean for h in histories.values()),
            }
        )
    return rows


_progress = None  # the sweep's queue, in each worker process


def _init(progress, modules: tuple[str, ...]) -> None:
    global _progress
    _progress = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the parent's to handle
    allow_modules(modules)  # the env modules the user named, as in the parent


def _run_seed(config: TrainConfig, out: Path | None) -> tuple[list[EpochStats], str | None]:
    """Train one seed; a divergence or a file-system fault ends it early with its reason."""
    from vpg_gui.core.checked_text import toml_with_checksum
    from vpg_gui.core.errors import TrainingDiverged
    from vpg_gui.core.files import atomic_write_bytes, os_reason
    from vpg_gui.core.run_dir import claim_run_dir
    from vpg_gui.core.trainer import Trainer

    with contextlib.ExitStack() as opened:
        trainer = opened.enter_context(contextlib.closing(Trainer(config)))
        try:
            csv = None
            if out is not None:
                opened.enter_context(claim_run_dir(out))
                atomic_write_bytes(out / "config.toml", toml_with_checksum(config.to_dict()).encode())
                csv = MetricsCsv(out / "metrics.csv", [])
                opened.callback(csv.close)
            while not trainer.finished:
                trainer.train_epoch()
                if csv is not None:
                    trainer.save(out / "checkpoint.pt")
                    csv.append(trainer.history)
                _progress.put((config.seed, trainer.history[-1]))
        except TrainingDiverged as exc:
            return trainer.history, str(exc)
        except OSError as exc:
            return trainer.history, os_reason(exc)
        return trainer.history, None
