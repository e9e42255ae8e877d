"""Peak memory of vpg-train for networks and batches at the top of the allowed ranges.

    .venv/bin/python benchmarks/bench_memory.py          # ~1 minute: 1024,1024 hidden, one epoch
    .venv/bin/python benchmarks/bench_memory.py --big    # + 256,256 hidden at 1,000,000 steps (~7 min)

Each case runs in its own process; its peak resident memory is read from the OS (getrusage of
the finished child). The baseline is a process that only imports torch and gymnasium.
Target (issue 11): ``--hidden-sizes 1024,1024 --epochs 1`` at most 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

CASES = {
    "import torch, gymnasium (baseline)": [sys.executable, "-c", "import torch, gymnasium"],
    "--hidden-sizes 1024,1024 --epochs 1": ["--hidden-sizes", "1024,1024", "--epochs", "1"],
}
BIG = {
    "--hidden-sizes 256,256 --batch-steps 1000000 --epochs 1": [
        "--hidden-sizes",
        "256,256",
        "--batch-steps",
        "1000000",
        "--epochs",
        "1",
    ]
}


def peak_mb(cmd: list[str]) -> tuple[float, float]:
    """(peak resident MB, seconds) of one command run to its end in a fresh process."""
    if cmd[0] != sys.executable:
        cmd = [sys.executable, "-m", "vpg_gui.cli.train", *cmd]
    # A wrapper process, so that RUSAGE_CHILDREN holds this case's peak alone.
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True)
    return int(out.stdout) / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also the million-step batch (~7 minutes)")
    args = parser.parse_args()
    cases = {**CASES, **(BIG if args.big else {})}
    print(f"{'case':<58} {'peak RSS':>10} {'seconds':>8}")
    for name, cmd in cases.items():
        mb, seconds = peak_mb(cmd)
        print(f"{name:<58} {mb:>7.0f} MB {seconds:>8.1f}", flush=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
