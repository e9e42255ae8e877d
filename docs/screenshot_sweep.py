"""Take docs/sweep.png: the real window after Run > Sweep... over the learning rate (6 values x
3 seeds), the sensitivity plot in its dock and the seeds of lr 0.01 kept on the return plot.

xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot_sweep.py
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shot import placed, shoot_when

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow
from vpg_gui.sweeps.spec import SweepSpec, default_values

OUT = Path(__file__).resolve().parent / "sweep.png"


def main() -> int:
    app = QApplication(sys.argv[:1])
    config = TrainConfig(batch_steps=1000, epochs=40)
    window = placed(MainWindow(config, offer_restore=False))
    window.sweeps.start_sweep(SweepSpec(config, {"lr": default_values("lr")}, (0, 1, 2)))
    shown = []

    def ready() -> bool:
        if window.sweeps.running():
            return False
        if not shown:
            shown.append(window.sweeps.show_curves("lr", 0.01))  # as a click on that point does
            return False
        return True

    return shoot_when(app, window, ready, OUT, interval_ms=500)


if __name__ == "__main__":
    sys.exit(main())
