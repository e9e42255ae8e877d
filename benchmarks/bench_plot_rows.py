"""How fast a long metrics.csv is read back (vpg-plot, the window's autosave): the columnar check
(algo/metrics.py: read_csv) against row by row (EpochStats.from_dict on each row, as before), on
one file in one run, and the whole of `vpg-plot DIR --out x.png` on it.

    .venv/bin/python benchmarks/bench_plot_rows.py              # 1,000,000 rows
    .venv/bin/python benchmarks/bench_plot_rows.py --rows 100000
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vpg_gui.algo.metrics import CSV_COLUMNS, EpochStats, read_csv
from vpg_gui.config import TrainConfig
from vpg_gui.formats.checked_text import CHECK, read_rows, row_check, toml_with_checksum

ROW = EpochStats(1, 20.0, 5.0, 9.0, 40.0, 20.0, 250, 5012, 3.1, 0.69, 0.01, 5000, 1.0, "episode-return", 0.05, 1e5)


def write_run(folder: Path, rows: int) -> None:
    """A run directory of ``rows`` epochs (config.toml and a checked metrics.csv)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, CHECK])
    for epoch in range(1, rows + 1):
        row = {**dataclasses.asdict(ROW), "epoch": epoch, "return_mean": 20.0 + epoch % 977 * 0.5, "change": ""}
        writer.writerow([*(row[c] for c in CSV_COLUMNS), row_check(CSV_COLUMNS, row)])
    (folder / "metrics.csv").write_text(out.getvalue())
    (folder / "config.toml").write_text(toml_with_checksum(TrainConfig().to_dict()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "run"
        folder.mkdir()
        write_run(folder, args.rows)
        size = (folder / "metrics.csv").stat().st_size / 1e6

        started = time.perf_counter()
        columnar = read_csv(folder / "metrics.csv")
        fast = time.perf_counter() - started

        started = time.perf_counter()
        by_row = [EpochStats.from_dict(row) for row in read_rows(folder / "metrics.csv")]
        slow = time.perf_counter() - started
        assert columnar == by_row

        started = time.perf_counter()
        command = [sys.executable, "-m", "vpg_gui.cli.plot", str(folder), "--out", str(Path(tmp) / "p.png")]
        subprocess.run(command, check=True, capture_output=True)
        plot = time.perf_counter() - started
    print(f"{args.rows:,} rows ({size:.0f} MB): read_csv {fast:.1f} s, row by row {slow:.1f} s ({slow / fast:.1f}x)")
    print(f"vpg-plot DIR --out p.png: {plot:.1f} s")


if __name__ == "__main__":
    main()
