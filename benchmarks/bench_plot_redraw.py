"""What one redraw of the live plots costs while a run grows, with x following the run as the
window does (to the nice ceiling of the last epoch while training) against x moved to the newest
epoch at every redraw (the baseline this replaced: three axes redrawn each time).

    python benchmarks/bench_plot_redraw.py            # 200 epochs, offscreen, a few seconds

Each step appends an epoch to the live run, then times ``redraw_live`` plus a repaint of the
three plots.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from vpg_gui.algo.metrics import EpochStats  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.model.runs import Workspace  # noqa: E402
from vpg_gui.qt.views.plots import TrainingPlots  # noqa: E402

EPOCHS = 200


def epoch(k: int) -> EpochStats:
    r = 20 + 400 * (1 - math.exp(-k / 30))
    return EpochStats(k, r, 5, r / 2, r * 1.4, r, 20, 5000, 3.1, 0.69, 0.01, 5000, 0.99, "reward-to-go", 0.05, 1e5,
                      grad_var=0.1 * k)  # fmt: skip


def redraw_ms(growing: bool) -> list[float]:
    ws = Workspace(TrainConfig())
    ws.begin(ws.live.settings)
    plots = TrainingPlots(ws)
    plots.resize(700, 800)
    plots.show()
    plots.set_env(475.0, 500)
    for k in range(1, 30):
        ws.live.history.append(epoch(k))
    plots.redraw_live()
    QApplication.processEvents()
    times = []
    for k in range(30, 30 + EPOCHS):
        ws.live.history.append(epoch(k))
        start = time.perf_counter()
        plots.redraw_live(growing=growing)  # growing=False: x to the newest epoch, as at every redraw before
        for plot in (plots.return_plot, plots.length_plot, plots.diagnostics.plot):
            plot.viewport().repaint()
        times.append(1000 * (time.perf_counter() - start))
    plots.close()
    return sorted(times)


def main() -> None:
    QApplication(sys.argv[:1])
    growing, exact = redraw_ms(True), redraw_ms(False)
    for name, times in (
        ("x to the nice ceiling while training", growing),
        ("x to the newest epoch each redraw", exact),
    ):
        print(f"{name}: median {statistics.median(times):.2f} ms, p90 {times[int(0.9 * len(times))]:.2f} ms")
    print(f"ratio of medians: {statistics.median(growing) / statistics.median(exact):.2f}")


if __name__ == "__main__":
    main()
