"""What the per-epoch diagnostics cost, as a share of an epoch, at batch 5000.

    python benchmarks/bench_diagnostics.py          # 40 epochs of CartPole (~10 s)

First, from outside: the same run (same seed, so the same batches and updates) with the
diagnostics on and off (``Trainer(config, diagnostics=False)``, vpg-train's --no-diagnostics), the
median epoch of each, and the share of each epoch the difference is (epoch i samples and updates
alike in both). Then each diagnostic timed where
the trainer calls it: the gradient variance (turning the layer inputs and output gradients the
GradientRecorder's hooks kept into parameter blocks, the per-episode products, the sums), the
gradient norm (from the variance's sums; from the gradients with an entropy bonus), and
the KL (keeping the update's distributions, a forward pass of the updated policy and the KL of
the two). Prints the medians per epoch, the share over the whole run, and each epoch's share
(quartiles, and how many epochs were above 5%): early epochs hold many short episodes, one
product per episode and layer, in quick epochs, so the share falls as a run goes on. For those
first epochs it prints the variance's cost per episode beside one such product called on its own.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.paired import batch_args, paired_epochs  # noqa: E402
from vpg_gui.algo import trainer as trainer_module  # noqa: E402
from vpg_gui.algo.diagnostics import GradientRecorder, VarianceSums, mean_kl  # noqa: E402
from vpg_gui.algo.distributions import Distributions  # noqa: E402
from vpg_gui.algo.trainer import Trainer  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402

TIMED = {
    "grad_norm": "gradient norm",
    "mean_kl": "KL",
}


def main() -> None:
    args = batch_args(__doc__.splitlines()[0])
    config = TrainConfig(batch_steps=args.batch_steps, epochs=0, seed=0)
    seconds = dict(zip((True, False), paired_epochs(config, "diagnostics", args.epochs), strict=True))
    on, off = (statistics.median(seconds[d]) * 1e3 for d in (True, False))
    print(f"batch {args.batch_steps}, {args.epochs} epochs, median epoch: diagnostics on {on:.1f}, off {off:.1f} ms")
    # Epoch i does the same sampling and update in both runs: its difference is the diagnostics'.
    paired = sorted((a - b) / a * 100 for a, b in zip(seconds[True], seconds[False], strict=True))
    quartiles = " / ".join(f"{q:.1f}" for q in statistics.quantiles(paired, n=4))
    print(f"  the diagnostics' share of an epoch, from outside, epoch by epoch: quartiles {quartiles}% (target 5%)")
    spent: dict[str, float] = {}
    last: dict[str, tuple] = {}  # function name -> its last call's arguments, for the warm timings

    def timed(name, fn):
        def wrapper(*a, **k):
            last[fn.__name__] = a
            start = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return wrapper

    for function, name in TIMED.items():
        setattr(trainer_module, function, timed(name, getattr(trainer_module, function)))
    sums, add = VarianceSums, VarianceSums.add
    sums.add = timed("gradient variance", add)
    GradientRecorder.blocks = timed("gradient variance", GradientRecorder.blocks)
    sums.variance = timed("gradient variance", sums.variance)
    sums.mean_gradient_norm = timed("gradient norm", sums.mean_gradient_norm)  # grad_norm's stand-in
    Distributions.detach = timed("KL", Distributions.detach)  # keeps the update's distributions for it
    trainer = Trainer(config)
    rows, episodes = [], []
    for _ in range(args.epochs):
        spent.clear()
        stats = trainer.train_epoch()
        rows.append((stats.seconds, spent["gradient variance"], spent["gradient norm"], spent["KL"]))
        episodes.append(stats.episodes)
    trainer.close()
    epoch = statistics.median(r[0] for r in rows)
    print(f"timed inside, epoch median {epoch * 1e3:.1f} ms")
    for i, name in enumerate(("gradient variance", "gradient norm", "KL"), start=1):
        ms = statistics.median(r[i] for r in rows) * 1e3
        print(f"  {name}: {ms:.2f} ms ({ms / epoch / 10:.1f}% of an epoch)")
    total = statistics.median(sum(r[1:]) for r in rows) * 1e3
    print(f"  all diagnostics: {total:.2f} ms ({total / epoch / 10:.1f}% of an epoch; target 5%)")
    share = sum(sum(r[1:]) for r in rows) / sum(r[0] for r in rows)
    print(f"  over the whole run: {share * 100:.1f}% of the epochs' time (the sums)")
    # Early epochs hold many short episodes (a product per episode and layer) in quick epochs.
    shares = sorted(sum(r[1:]) / r[0] * 100 for r in rows)
    quartiles = " / ".join(f"{q:.1f}" for q in statistics.quantiles(shares, n=4))
    above = sum(s > 5 for s in shares)
    print(f"  per epoch: {shares[0]:.1f}% to {shares[-1]:.1f}%, quartiles {quartiles}%;", end=" ")
    print(f"above 5%: {above} of {len(rows)}")
    # The many-episode epochs: what each episode costs, against one bare product call.
    _, blocks, lengths = last["add"]
    first = min(5, len(rows))
    each = sum(r[1] for r in rows[:first]) / sum(episodes[:first]) * 1e6
    ms, count = sum(r[0] for r in rows[:first]) / first * 1e3, sum(episodes[:first]) / first
    print(f"  first {first} epochs: {count:.0f} episodes in {ms:.1f} ms each, the gradient variance", end=" ")
    print(f"{each:.1f} us an episode ({sum(x is not None for x, _ in blocks)} products each)")
    (x, d), twenty = blocks[0], slice(0, 20)  # the first layer's, for a 20-step episode
    dt, out = d.T, np.empty((d.shape[1], x.shape[1]), np.float32)
    start = time.perf_counter()
    for _ in range(10000):
        np.dot(dt[:, twenty], x[twenty], out=out)
    print(f"  one such product of 20 steps on its own, warm: {(time.perf_counter() - start) * 100:.2f} us")
    # The last epoch's KL and variance sums again, 50 times in a row: their cost with warm caches.
    for label, again in (
        ("KL", lambda: mean_kl(*last["mean_kl"])),
        ("gradient variance's sums", lambda: add(sums(), blocks, lengths)),
    ):
        again()
        start = time.perf_counter()
        for _ in range(50):
            again()
        print(f"  {label} of the last epoch again, warm: {(time.perf_counter() - start) / 50 * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
