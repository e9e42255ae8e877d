"""Soak: thousands of small epochs in the window, with plots and an episode playing.

    python benchmarks/soak_gui.py                  # 2000 epochs at batch 200, offscreen (~1-2 min)
    python benchmarks/soak_gui.py --epochs 800 --no-play --no-plots   # what is left without them

Prints resident memory (the window's process and its children: the fork server and the training
process) after warm-up (epoch 200) and at the end, and the lateness of a 10 ms QTimer over the
whole run (same measure as bench_gui.py). Targets: <= 50 MB growth after
warm-up; lateness within the window issue's bounds (p99 <= 15 ms, worst <= 50 ms).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QStandardPaths, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.qt.app import prepare_process  # noqa: E402
from vpg_gui.qt.main_window import MainWindow  # noqa: E402

WARM_UP = 200


def rss_mb() -> float:
    """Resident memory of this process and its descendants (the fork server, the training process)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process just ended
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {os.getpid()}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    pages = 0
    for pid in tree:
        try:
            pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except OSError:
            pass
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2000)
    parser.add_argument("--batch-steps", type=int, default=200)
    parser.add_argument("--no-play", action="store_true", help="leave the render panel idle")
    parser.add_argument("--no-plots", action="store_true", help="do not redraw the plots (attribution)")
    parser.add_argument("--inspector", action="store_true", help="with the update inspector open (View > U)")
    args = parser.parse_args()
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("vpg-gui-soak")
    prepare_process()  # as vpg-gui does at start-up
    window = MainWindow(TrainConfig(epochs=args.epochs, batch_steps=args.batch_steps, seed=0))
    window.show()
    gc.freeze()  # as vpg-gui does once the window is up
    if not args.no_play:
        window.render_panel.play_button.click()
    if args.inspector:
        window.findChild(QAction, "inspectorAction").trigger()
    if args.no_plots:
        window._redraw.timeout.disconnect()
    clock = QElapsedTimer()
    clock.start()
    lateness, last, marks = [], [clock.nsecsElapsed()], {}

    def tick():
        now = clock.nsecsElapsed()
        n = len(window.history)
        if n:  # from the first epoch on (start-up is bench_gui.py's business)
            lateness.append(max(0.0, (now - last[0]) / 1e6 - 10))
        last[0] = now
        if n >= WARM_UP and "warm" not in marks:
            marks["warm"] = rss_mb()
        if n >= args.epochs:
            loop.quit()

    loop = QEventLoop()
    probe = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer, timeout=tick)
    probe.start()
    window.train_button.click()
    loop.exec()
    probe.stop()
    end = rss_mb()
    window.close()
    lat = np.asarray(lateness)
    load = f"episode {'idle' if args.no_play else 'playing'}, plots {'frozen' if args.no_plots else 'updating'}"
    load += ", update inspector open" if args.inspector else ""
    print(f"{len(window.history)} epochs at batch {args.batch_steps}, {load}")
    print(
        f"resident memory: {marks['warm']:.1f} MB after epoch {WARM_UP}, {end:.1f} MB at the end "
        f"(growth {end - marks['warm']:+.1f} MB; target <= 50)"
    )
    print(
        f"10 ms timer lateness over the run: p50 {np.percentile(lat, 50):.2f} ms, "
        f"p99 {np.percentile(lat, 99):.2f} ms, worst {lat.max():.2f} ms ({len(lat)} ticks)"
    )


if __name__ == "__main__":
    main()
