"""Take docs/window.png: the real window under an X server, mid-training, an episode playing,
the post's plain policy gradient kept beside the best default preset to compare.

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
PLAIN_EPOCHS = 25  # the plain policy gradient first, kept on the plots


def main() -> int:
    app = QApplication(sys.argv[:1])
    plain = load_preset(ROOT / "assets/presets/01-plain-policy-gradient.toml").config
    window = MainWindow(plain.replace(epochs=PLAIN_EPOCHS, batch_steps=2000), offer_restore=False)
    window.resize(1560, 960)
    window.move(20, 20)
    window.show()
    window.train_button.click()
    best = []

    def shoot():
        if not best:
            if len(window.history) >= PLAIN_EPOCHS and window.worker.waiting:
                best.append(window.files.open_preset_file(ROOT / "assets/presets/05-baseline-gae-normalised.toml"))
                window.train_button.click()
                window.render_panel.play_button.click()
            return
        if len(window.history) < SHOOT_AT_EPOCH:
            return
        timer.stop()
        window.screen().grabWindow(0).copy(window.frameGeometry()).save(str(OUT))
        print(f"wrote {OUT}")
        window.close()

    timer = QTimer(interval=200, timeout=shoot)
    timer.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
