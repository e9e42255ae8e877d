"""Take docs/window.png: the real window under an X server, mid-training, an episode playing.

xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot.py
"""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from vpg_gui.presets import load_preset
from vpg_gui.qt.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "window.png"
SHOOT_AT_EPOCH = 9  # preset 5 solves around epoch 14: the shot shows it climbing


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = MainWindow(load_preset(ROOT / "assets/presets/05-baseline-gae-normalised.toml").config)
    window.resize(1560, 960)
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
