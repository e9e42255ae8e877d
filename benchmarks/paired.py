"""The same run twice, with one switch of the Trainer on and off, epoch by epoch in turn (so that
neither has the warmer process): the same seed gives the same batches and updates, so epoch i's
difference is the switch's cost. What bench_diagnostics.py and bench_record.py measure with.

    on, off = paired_epochs(TrainConfig(batch_steps=5000, epochs=0), "diagnostics", 40)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig


def batch_args(description: str) -> argparse.Namespace:
    """--epochs (40) and --batch-steps (5000), the two benchmarks' flags."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-steps", type=int, default=5000)
    return parser.parse_args()


def paired_epochs(
    config: TrainConfig, switch: str, epochs: int, after: Callable[[Trainer], None] | None = None
) -> tuple[list[float], list[float]]:
    """Each epoch's wall seconds with ``Trainer(config, **{switch: True})`` and with it False;
    ``after(trainer_on)`` runs after each epoch of the one with the switch on (untimed)."""
    trainers = {on: Trainer(config, **{switch: on}) for on in (True, False)}
    seconds: dict[bool, list[float]] = {True: [], False: []}
    try:
        for _ in range(epochs):
            for on, trainer in trainers.items():
                start = time.perf_counter()
                trainer.train_epoch()
                seconds[on].append(time.perf_counter() - start)
            if after is not None:
                after(trainers[True])
    finally:
        for trainer in trainers.values():
            trainer.close()
    return seconds[True], seconds[False]
