"""Trainer against the post's plain loop, in one run, at the same hyperparameters.

    python benchmarks/bench_core.py            # 5 seeds, up to 150 epochs each (~5 min)
    python benchmarks/bench_core.py --seeds 2 --max-epochs 60

Prints, for the plain loop, Trainer (episode-return, as in the post) and Trainer (reward-to-go):
median seconds per 5000-step epoch, the time of a whole 50-epoch run, mean steps per epoch, and
per seed the first epoch whose mean return reaches 475; then the speed ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.plain_loop import PlainLoop  # noqa: E402
from vpg_gui.algo.trainer import Trainer  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402

SOLVED = 475.0


def run_until_solved(make_epoch, max_epochs: int, timed_epochs: int):
    """Epochs until solved (or max); returns (solved epoch or None, per-epoch seconds, steps, first-N seconds)."""
    seconds, steps, solved = [], [], None
    start = time.perf_counter()
    first_n = None
    for epoch in range(1, max_epochs + 1):
        ret, n, sec = make_epoch()
        seconds.append(sec)
        steps.append(n)
        if epoch == timed_epochs:
            first_n = time.perf_counter() - start
        if solved is None and ret >= SOLVED:
            solved = epoch
        if solved is not None and first_n is not None:  # both figures in hand
            break
    return solved, seconds, steps, first_n


def plain_variant(seed):
    loop = PlainLoop(seed=seed)
    return loop.train_epoch


def trainer_variant(weighting):
    def make(seed):
        trainer = Trainer(TrainConfig(seed=seed, weighting=weighting, epochs=0))

        def epoch():
            s = trainer.train_epoch()
            return s.return_mean, s.steps, s.seconds

        return epoch

    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--max-epochs", type=int, default=150)
    parser.add_argument("--timed-epochs", type=int, default=50)
    args = parser.parse_args()
    variants = {
        "plain loop (post)": plain_variant,
        "Trainer episode-return": trainer_variant("episode-return"),
        "Trainer reward-to-go": trainer_variant("reward-to-go"),
    }
    results = {}
    for name, make in variants.items():
        solved, seconds, steps, runs = [], [], [], []
        for seed in range(args.seeds):
            s, sec, n, first_n = run_until_solved(make(seed), args.max_epochs, args.timed_epochs)
            solved.append(s)
            seconds += sec
            steps += n
            runs.append(first_n if first_n is not None else float("nan"))
            print(f"  {name:24s} seed {seed}: solved at epoch {s}", flush=True)
        results[name] = (solved, seconds, steps, runs)

    print(f"\nCartPole-v1, batch 5000, lr 1e-2, hidden 32 tanh; {args.seeds} seeds, solved = mean return >= {SOLVED}")
    print(f"{'variant':26s} {'s/epoch (median)':>17s} {'50-epoch run s':>15s} {'steps/epoch':>12s}  solved at epoch")
    for name, (solved, seconds, steps, runs) in results.items():
        med_solved = statistics.median([s if s is not None else float("inf") for s in solved])
        print(
            f"{name:26s} {statistics.median(seconds):17.4f} {statistics.median(runs):15.2f} "
            f"{statistics.mean(steps):12.0f}  {solved} (median {med_solved})"
        )
    base = results["plain loop (post)"]
    for name in list(results)[1:]:
        r = results[name]
        print(
            f"speed-up of {name}: {statistics.median(base[1]) / statistics.median(r[1]):.1f}x per epoch (median), "
            f"{statistics.median(base[3]) / statistics.median(r[3]):.1f}x per 50-epoch run"
        )


if __name__ == "__main__":
    main()
