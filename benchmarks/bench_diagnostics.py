"""What the per-epoch diagnostics cost, as a share of an epoch, at batch 5000.

    python benchmarks/bench_diagnostics.py          # 40 epochs of CartPole (~10 s)

The gradient variance and the gradient norm are timed where the trainer calls them; the KL
(a forward pass of the updated policy over the batch and the KL of the two outputs) is timed on
each epoch's batch right after it, the same operations. Prints the medians per epoch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.core import trainer as trainer_module  # noqa: E402
from vpg_gui.core.trainer import Trainer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-steps", type=int, default=5000)
    args = parser.parse_args()
    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
                if name == "gradient variance":
                    batches.append(a[1])  # the epoch's observations, for the KL below

        return wrapper

    batches: list[torch.Tensor] = []
    trainer_module.gradient_variance = timed("gradient variance", trainer_module.gradient_variance)
    trainer_module.grad_norm = timed("gradient norm", trainer_module.grad_norm)
    trainer = Trainer(TrainConfig(batch_steps=args.batch_steps, epochs=0, seed=0))
    rows = []
    for _ in range(args.epochs):
        spent.clear()
        stats = trainer.train_epoch()
        obs = batches.pop()
        with torch.no_grad():
            before = trainer.policy(obs)  # the trainer has this output from its update already
            start = time.perf_counter()
            float(trainer.policy.kl(before, trainer.policy(obs)).mean())
        kl = time.perf_counter() - start
        rows.append((stats.seconds, spent["gradient variance"], spent["gradient norm"], kl))
    trainer.close()
    epoch = statistics.median(r[0] for r in rows)
    print(f"batch {args.batch_steps}, {args.epochs} epochs: epoch median {epoch * 1e3:.1f} ms")
    total = 0.0
    for i, name in enumerate(("gradient variance", "gradient norm", "KL"), start=1):
        ms = statistics.median(r[i] for r in rows) * 1e3
        total += ms
        print(f"  {name}: {ms:.2f} ms ({ms / epoch / 10:.1f}% of an epoch)")
    print(f"  all diagnostics: {total:.2f} ms ({total / epoch / 10:.1f}% of an epoch; target 5%)")


if __name__ == "__main__":
    main()
