"""Sweeps on Ray against the same runs one after another, and on a simulated 4-node cluster.

    python benchmarks/bench_sweep.py            # 8 trials, CartPole, batch 2000, 30 epochs (~1.5 min)
    python benchmarks/bench_sweep.py --trials 4 --epochs 10

1. Eight ``vpg-train --seed N`` processes one after another, against one ``vpg-sweep --seeds 0-7``
   on a local Ray with this machine's CPUs, each timed whole (the sweep's Ray start-up included).
2. Ray's own start-up: a process that starts and stops a local Ray, minus one that starts Python.
3. The same sweep through ``--address`` on a ``ray.cluster_utils.Cluster`` of 4 one-CPU nodes:
   the ``node`` column, and every trial's metrics against the local sweep's (timing columns aside).
4. On paper, from the measured per-trial times: the sweep's time on N nodes of C CPUs.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vpg_gui.algo.metrics import STATS_COLUMNS, read_csv  # noqa: E402

TIMING = {"seconds", "steps_per_s"}
PY = sys.executable
LOCAL_CPUS = os.cpu_count() or 1


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def summary(out: Path) -> list[dict]:
    with open(out / "summary.csv", newline="") as f:
        return list(csv.DictReader(f))


def same_metrics(a: Path, b: Path) -> bool:
    strip = [{c: getattr(s, c) for c in STATS_COLUMNS if c not in TIMING} for s in read_csv(a)]
    return strip == [{c: getattr(s, c) for c in STATS_COLUMNS if c not in TIMING} for s in read_csv(b)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-steps", type=int, default=2000)
    parser.add_argument("--nodes", type=int, default=4)
    args = parser.parse_args()
    common = ["--epochs", str(args.epochs), "--batch-steps", str(args.batch_steps)]
    root = Path(tempfile.mkdtemp(prefix="bench-sweep-"))

    one_by_one = sum(
        timed([PY, "-m", "vpg_gui.cli.train", *common, "--seed", str(s), "--out", str(root / f"alone-{s}")])
        for s in range(args.trials)
    )
    seeds = f"0-{args.trials - 1}"
    swept = timed([PY, "-m", "vpg_gui.cli.sweep", *common, "--seeds", seeds, "--out", str(root / "local")])
    python = timed([PY, "-c", "pass"])
    ray_up = timed(
        [PY, "-c", "import ray; ray.init(num_cpus=2, include_dashboard=False, logging_level='ERROR'); ray.shutdown()"]
    )
    local = summary(root / "local")
    seconds = sorted(float(r["seconds"]) for r in local)
    print(f"{args.trials} vpg-train runs one after another: {one_by_one:.1f} s")
    print(f"vpg-sweep --seeds {seeds} on a local Ray:      {swept:.1f} s  -> {one_by_one / swept:.2f}x")
    print(f"Ray start-up and shutdown (local, 2 CPUs):  {ray_up - python:.1f} s")
    print(f"per-trial seconds in the sweep: {', '.join(f'{s:.2f}' for s in seconds)}")
    matches = all(
        same_metrics(root / "local" / "trials" / f"seed={s}" / "metrics.csv", root / f"alone-{s}" / "metrics.csv")
        for s in range(args.trials)
    )
    print(f"every trial's metrics equal vpg-train's: {matches}")

    from ray.cluster_utils import Cluster

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cluster = Cluster(
        initialize_head=True,
        connect=False,
        head_node_args={"num_cpus": 1, "gcs_server_port": port, "include_dashboard": False},
    )
    try:
        for _ in range(args.nodes - 1):
            cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        spread = timed(
            [
                PY,
                "-m",
                "vpg_gui.cli.sweep",
                *common,
                "--seeds",
                seeds,
                "--address",
                cluster.address,
                "--out",
                str(root / "cluster"),
            ]
        )
    finally:
        cluster.shutdown()
    nodes = {r["node"] for r in summary(root / "cluster")}
    equal = all(
        same_metrics(
            root / "cluster" / "trials" / f"seed={s}" / "metrics.csv",
            root / "local" / "trials" / f"seed={s}" / "metrics.csv",
        )
        for s in range(args.trials)
    )
    print(
        f"simulated cluster of {args.nodes} one-CPU nodes (on this machine's 2 cores): {spread:.1f} s, "
        f"trials on {len(nodes)} distinct nodes, metrics equal to the local sweep's: {equal}"
    )

    # On paper: a worker's first trial pays torch's import, its later ones do not; the rest of the
    # sweep's time (Ray's start-up, Tune's, the files) is fixed. The model gives back the local figure.
    first, rest = max(seconds), statistics.median(seconds)
    fixed = swept - (first + (math.ceil(args.trials / LOCAL_CPUS) - 1) * rest)
    print(f"on paper: fixed {fixed:.1f} s + first trial on a worker {first:.2f} s + {rest:.2f} s per later wave")
    per_run = one_by_one / args.trials  # one vpg-train process, start-up included
    for trials in (args.trials, 12 * args.trials):
        for n in (1, 2, 4, 8, 16):
            total = fixed + first + (math.ceil(trials / (n * LOCAL_CPUS)) - 1) * rest
            print(
                f"  {trials} trials, {n:2d} node(s) x {LOCAL_CPUS} CPUs: {total:6.1f} s "
                f"({trials * per_run / total:5.1f}x {trials} vpg-train runs one by one)"
            )


if __name__ == "__main__":
    main()
