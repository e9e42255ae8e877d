"""What keeping each epoch's batch record costs (the update inspector's; algo/batch_record.py), as a
share of an epoch at batch 5000.

    python benchmarks/bench_record.py               # 40 epochs of CartPole (~15 s)

From outside: the same run (same seed: the same batches and updates) with ``record_batches`` on
and off, epoch by epoch in turn, the median epoch of each and each epoch's paired difference as a
share of it. Then what the window adds on top: the record crossing the pipe from the training
process (pickled there, unpickled in the window's process), timed on the last records.
"""

from __future__ import annotations

import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.paired import batch_args, paired_epochs  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402


def main() -> None:
    args = batch_args(__doc__.splitlines()[0])
    config = TrainConfig(batch_steps=args.batch_steps, epochs=0, seed=0)
    transfer, size = [], [0]

    def to_window(trainer) -> None:  # what the training process sends, and the window reads back
        start = time.perf_counter()
        data = pickle.dumps(trainer.last_record, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
        transfer.append(time.perf_counter() - start)
        size[0] = len(data)

    seconds = dict(zip((True, False), paired_epochs(config, "record_batches", args.epochs, to_window), strict=True))
    on, off = (statistics.median(seconds[r]) * 1e3 for r in (True, False))
    paired = sorted((a - b) / b * 100 for a, b in zip(seconds[True], seconds[False], strict=True))
    q = statistics.quantiles(paired, n=4)
    moved = statistics.median(transfer) * 1e3
    print(f"batch {args.batch_steps}, {args.epochs} epochs, median epoch: record on {on:.1f} ms, off {off:.1f} ms")
    print(f"record / epoch, ratio of the medians: {(on - off) / off * 100:+.1f}% (target <= 5%)")
    print(f"each epoch's paired difference, quartiles: {q[0]:+.1f} / {q[1]:+.1f} / {q[2]:+.1f}%")
    print(f"to the window: a record is {size[0] / 1e3:.0f} KB; pickled and unpickled in {moved:.2f} ms (median), "
          f"{moved / off * 100:.1f}% of an epoch")  # fmt: skip


if __name__ == "__main__":
    main()
