"""Beyond CartPole: Acrobot-v1 and Pendulum-v1 with their presets.

    python benchmarks/bench_envs.py      # ~5 minutes on 2 cores

1. Acrobot-v1 (preset 6), seeds 0-4: the first epoch whose mean return reaches -100.
2. Pendulum-v1 (preset 7, continuous actions: a Gaussian policy), seeds 0-2: the mean return of
   the first epoch (the initial policy), and the mean over the last 10 of --pendulum-epochs.
Seeds run two at a time, one process each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vpg_gui.storage.presets import load_preset  # noqa: E402

ACROBOT_TARGET = -100.0


def returns(config, epochs: int, stop_at: float | None) -> list[float]:
    from vpg_gui.algo.trainer import Trainer

    trainer = Trainer(config)
    out = []
    try:
        for _ in range(epochs):
            out.append(trainer.train_epoch().return_mean)
            if stop_at is not None and out[-1] >= stop_at:
                break
        return out
    finally:
        trainer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acrobot-epochs", type=int, default=60)
    parser.add_argument("--pendulum-epochs", type=int, default=120)
    args = parser.parse_args()
    acrobot = load_preset(ROOT / "assets/presets/06-acrobot.toml").config
    pendulum = load_preset(ROOT / "assets/presets/07-pendulum.toml").config
    with ProcessPoolExecutor(2) as pool:
        runs = list(
            pool.map(
                returns,
                [acrobot.replace(seed=s) for s in range(5)],
                [args.acrobot_epochs] * 5,
                [ACROBOT_TARGET] * 5,
            )
        )
        reached = [len(r) if r[-1] >= ACROBOT_TARGET else None for r in runs]
        shown = ", ".join(str(e) if e else f"not in {args.acrobot_epochs}" for e in reached)
        done = [e for e in reached if e]
        median = statistics.median(done) if done else "-"
        print(f"1. Acrobot-v1 (preset 6): epoch reaching {ACROBOT_TARGET:g}, seeds 0-4: {shown} (median {median})")
        runs = list(
            pool.map(returns, [pendulum.replace(seed=s) for s in range(3)], [args.pendulum_epochs] * 3, [None] * 3)
        )
    last = f"{args.pendulum_epochs - 9}-{args.pendulum_epochs}"
    print(f"2. Pendulum-v1 (preset 7), mean return: epoch 1 -> mean of epochs {last}")
    for seed, r in enumerate(runs):
        print(f"   seed {seed}: {r[0]:.0f} -> {statistics.fmean(r[-10:]):.0f} (best epoch {max(r):.0f})")


if __name__ == "__main__":
    main()
