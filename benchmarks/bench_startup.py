"""vpg-train's start-up overhead against importing torch and gymnasium, in one run.

    python benchmarks/bench_startup.py           # 7 rounds (~1 min)

Each round times, as whole processes: ``python -c "import torch, gymnasium"``, and
``vpg-train --epochs 1 --batch-steps 500 --json`` (its epoch's own seconds, from the JSON line,
are taken off: what is left is start-up and shutdown). Prints the medians and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

IMPORTS = [sys.executable, "-c", "import torch, gymnasium"]
TRAIN = [sys.executable, "-m", "vpg_gui.cli.train", "--epochs", "1", "--batch-steps", "500", "--json"]


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    imports, overheads, trains = [], [], []
    for _ in range(args.rounds):
        imports.append(timed(IMPORTS)[0])
        whole, out = timed(TRAIN)
        training = json.loads(out.splitlines()[-1])["seconds"]
        trains.append(whole)
        overheads.append(whole - training)
    base, over = statistics.median(imports), statistics.median(overheads)
    print(f"python -c 'import torch, gymnasium': median {base:.2f} s (of {', '.join(f'{t:.2f}' for t in imports)})")
    print(
        f"vpg-train --epochs 1 --batch-steps 500: median {statistics.median(trains):.2f} s whole, "
        f"{over:.2f} s without its epoch"
    )
    print(f"start-up overhead / imports: {over / base:.2f}x (target 1.3x)")


if __name__ == "__main__":
    main()
