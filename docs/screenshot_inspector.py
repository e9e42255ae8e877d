"""Take docs/inspector.png: the real window with the update inspector open (View > Inside the
update, U) on epoch 6 of a CartPole run picked on the return plot (time travel), the batch on
the heatmap and its change map.

xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot_inspector.py
"""

import sys
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox
from shot import placed, shoot_when

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow

OUT = Path(__file__).resolve().parent / "inspector.png"


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = placed(MainWindow(TrainConfig(batch_steps=2000, epochs=12, seed=0), offer_restore=False))
    window.findChild(QAction, "inspectorAction").trigger()
    window.findChild(QCheckBox, "changeMapCheck").setChecked(True)
    window.train_button.click()
    picked = []

    def ready() -> bool:
        if len(window.history) < 12 or not window.workspace.quiet:
            return False
        if not picked:  # as a click on epoch 6's point of the curve does
            picked.append(window.workspace.select(window.workspace.live.number, 6))
            return False
        return True

    return shoot_when(app, window, ready, OUT, interval_ms=500)


if __name__ == "__main__":
    sys.exit(main())
