"""Take docs/window.png: the real window under an X server, mid-training, an episode playing.

xvfb-run -s "-screen 0 1600x900x24" python docs/screenshot.py
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow

OUT = Path(__file__).resolve().parent / "window.png"
SHOOT_AT_EPOCH = 45


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = MainWindow(TrainConfig(weighting="reward-to-go", epochs=0))
    window.resize(1560, 860)
    window.move(20, 20)
    window.show()
    window.train_button.click()
    window.render_panel.play_button.click()

    def shoot():
        if len(window.history) < SHOOT_AT_EPOCH:
            return
        window.screen().grabWindow(0).copy(window.frameGeometry()).save(str(OUT))
        print(f"wrote {OUT}")
        window.close()

    timer = QTimer(interval=200, timeout=shoot)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
