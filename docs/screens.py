"""Take docs/window-WxH.png: the real window at one of the three sizes the layout is tested at,
three runs trained one after another (the plain policy gradient, reward-to-go, a larger
learning rate) on the plots, the run list naming them, an episode playing.

for size in 1024x600 1500x860 1920x1080; do
    xvfb-run -a -s "-screen 0 ${size}x24" python docs/screens.py $size
done
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shot import shoot_when

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
EPOCHS = 30
STEPS = (("weighting", "reward-to-go"), ("lr", 0.03))  # what each Reset changes before the next run


def main() -> int:
    width, height = (int(v) for v in sys.argv[1].split("x"))
    app = QApplication(sys.argv[:1])
    window = MainWindow(TrainConfig(batch_steps=2000, epochs=EPOCHS, seed=1), offer_restore=False)
    window.setGeometry(0, 0, width, height)  # no window manager: the whole screen
    window.show()
    window.train_button.click()
    steps = list(STEPS)

    def ready() -> bool:
        if len(window.history) < EPOCHS or not window.workspace.quiet:
            return False
        if not steps:
            return True
        field, value = steps.pop(0)
        config = window.controls.config().replace(**{field: value})
        window.controls.set_config(config)
        window.reset_button.click()
        window.train_button.click()
        if not steps:
            window.render_panel.play_button.click()
        return False

    return shoot_when(app, window, ready, ROOT / "docs" / f"window-{width}x{height}.png", interval_ms=200)


if __name__ == "__main__":
    sys.exit(main())
