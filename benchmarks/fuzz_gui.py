"""Random GUI actions during training: clicks, extreme and invalid values, resets, saves, panels.

    python benchmarks/fuzz_gui.py                 # 1000 actions, offscreen; prints a summary
    python benchmarks/fuzz_gui.py --actions 200 --seed 3

Any uncaught exception in a slot (sys.excepthook) or a crash fails the run. The actions are
tests/qt/gui_actions.py's; the test suite runs a short version (tests/qt/test_reliability.py).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    from tests.qt.gui_actions import random_action
    from vpg_gui.config import TrainConfig
    from vpg_gui.qt.main_window import MainWindow

    errors = []
    sys.excepthook = lambda *exc: errors.append(exc)
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("vpg-gui-fuzz")
    rng = random.Random(args.seed)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        window = MainWindow(TrainConfig(batch_steps=500, epochs=0))
        window.show()
        window.train_button.click()
        epochs = []
        for _ in range(args.actions):
            name = random_action(window, rng, Path(folder))
            counts[name] = counts.get(name, 0) + 1
            deadline = time.perf_counter() + 0.005  # let training and repaints run between actions
            while time.perf_counter() < deadline:
                app.processEvents()
            epochs.append(len(window.history))
        epochs = sum(max(0, b - a) for a, b in zip(epochs, epochs[1:], strict=False))
        window.close()
        stopped = window.thread_.isFinished()
    print(f"{args.actions} random actions ({len(counts)} kinds); {epochs} epochs trained meanwhile;")
    print(f"uncaught exceptions: {len(errors)}; training thread stopped on close: {stopped}")
    for exc in errors[:3]:
        print("  ", exc[0].__name__, exc[1])
    return 0 if not errors and stopped else 1


if __name__ == "__main__":
    sys.exit(main())
