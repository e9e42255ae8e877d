"""Take docs/window.png: the real window under an X server, mid-training, an episode playing,
the post's plain policy gradient kept beside the best default preset to compare.

xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot.py
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shot import placed, shoot_when

from vpg_gui.qt.main_window import MainWindow
from vpg_gui.storage.presets import load_preset

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "window.png"
SHOOT_AT_EPOCH = 9  # preset 5 solves around epoch 14: the shot shows it climbing
PLAIN_EPOCHS = 25  # the plain policy gradient first, kept on the plots


def main() -> int:
    app = QApplication(sys.argv[:1])
    plain = load_preset(ROOT / "assets/presets/01-plain-policy-gradient.toml").config
    window = placed(MainWindow(plain.replace(epochs=PLAIN_EPOCHS, batch_steps=2000), offer_restore=False))
    window.train_button.click()
    best = []

    def ready() -> bool:
        if not best:  # the plain policy gradient first; then the best preset, kept beside it
            if len(window.history) >= PLAIN_EPOCHS and window.workspace.quiet:
                best.append(window.files.open_preset_file(ROOT / "assets/presets/05-baseline-gae-normalised.toml"))
                window.train_button.click()
                window.render_panel.play_button.click()
            return False
        return len(window.history) >= SHOOT_AT_EPOCH

    return shoot_when(app, window, ready, OUT, interval_ms=200)


if __name__ == "__main__":
    sys.exit(main())
