"""Policy-gradient variants on CartPole-v1: how fast each solves, and how noisy its gradient is.

    python benchmarks/bench_variants.py              # ~5 minutes on 2 cores
    python benchmarks/bench_variants.py --seeds 2    # a quick look

1. For each variant, 5 seeds (two processes at a time): the first epoch whose mean return
   reaches 475, the environment steps and the training seconds (the sum of the epochs' own
   timings) up to it, and the variance of the gradient estimate at epoch 1 (EpochStats.grad_var).
   A seed that has not solved after --max-epochs counts as not solved.
2. At one fixed policy (vpg_gui/algo/variance.py): the gradient variance of whole-episode
   weighting, reward-to-go and reward-to-go minus a fitted value baseline, with the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vpg_gui.config import TrainConfig  # noqa: E402

RTG = {"weighting": "reward-to-go"}
BASE = {**RTG, "baseline": "value", "gae_lambda": 1.0}
VARIANTS = {
    "post's weighting (episode return)": {},
    "reward-to-go": RTG,
    "+ value baseline (lambda 1)": BASE,
    "+ GAE (lambda 0.97)": {**BASE, "gae_lambda": 0.97},
    "+ advantage normalisation": {**BASE, "gae_lambda": 0.97, "normalize_advantages": True},
    "default preset: + lr 0.05, batch 2000": {
        **BASE,
        "gae_lambda": 0.97,
        "normalize_advantages": True,
        "lr": 0.05,
        "batch_steps": 2000,
    },
}
SOLVED = 475.0


def solve(config: TrainConfig, max_epochs: int) -> tuple[int | None, int, float, float]:
    """(solving epoch or None, steps and seconds up to it, grad_var at epoch 1)."""
    from vpg_gui.algo.trainer import Trainer

    trainer = Trainer(config)
    steps, seconds, first_var = 0, 0.0, None
    try:
        for _ in range(max_epochs):
            s = trainer.train_epoch()
            steps, seconds = steps + s.steps, seconds + s.seconds
            first_var = s.grad_var if first_var is None else first_var
            if s.return_mean >= SOLVED:
                return s.epoch, steps, seconds, first_var
        return None, steps, seconds, first_var
    finally:
        trainer.close()


def median_or_dash(values, fmt):
    return fmt.format(statistics.median(values)) if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--max-epochs", type=int, default=150)
    args = parser.parse_args()
    seeds = range(args.seeds)
    print(f"1. CartPole-v1, seeds 0-{args.seeds - 1}, lr 0.01 and batch 5000 unless said; solved = mean return >= 475")
    print("| variant | solved at epoch (median) | env steps (median) | training s (median) | grad var, epoch 1 |")
    print("| --- | --- | ---: | ---: | ---: |")
    with ProcessPoolExecutor(2) as pool:
        for name, changes in VARIANTS.items():
            configs = [TrainConfig(seed=seed, epochs=0, **changes) for seed in seeds]
            results = list(pool.map(solve, configs, [args.max_epochs] * len(configs)))
            solved = [r for r in results if r[0] is not None]
            epochs = ", ".join(str(r[0]) if r[0] is not None else "-" for r in results)
            print(
                f"| {name} | {epochs} ({median_or_dash([r[0] for r in solved], '{:g}')}) "
                f"| {median_or_dash([r[1] for r in solved], '{:,.0f}')} "
                f"| {median_or_dash([r[2] for r in solved], '{:.2f}')} "
                f"| {statistics.median(r[3] for r in results):.3g} |",
                flush=True,
            )
    from vpg_gui.algo.variance import estimator_variances

    print("2. gradient variance at one fixed policy (20 reward-to-go epochs, seed 0; a 20000-step batch):")
    v = estimator_variances(TrainConfig(seed=0))
    for name, value in v.items():
        print(f"   {name:22s} {value:.4g}")
    names = list(v)
    for a, b in zip(names, names[1:], strict=False):
        print(f"   {a} / {b}: {v[a] / v[b]:.2f}x")


if __name__ == "__main__":
    main()
