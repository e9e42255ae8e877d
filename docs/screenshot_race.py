"""Take docs/race.png: the real window in presentation mode on a 1920x1080 screen, racing three
lanes (the post's weighting, reward-to-go, reward-to-go with a value baseline) in lock-step,
each playing its newest policy, their curves on the shared plots.

xvfb-run -s "-screen 0 1920x1080x24" python docs/screenshot_race.py
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shot import placed, shoot_when

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow

OUT = Path(__file__).resolve().parent / "race.png"
LANES = (("episode-return", "none"), ("reward-to-go", "none"), ("reward-to-go", "value"))
EPOCHS = 25


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = placed(MainWindow(TrainConfig(batch_steps=2000, epochs=EPOCHS, seed=0), offer_restore=False))
    window.race.start([TrainConfig(batch_steps=2000, epochs=EPOCHS, seed=0, weighting=w, baseline=b) for w, b in LANES])
    window.presentation_action.trigger()
    window.set_pace(0.0)  # as fast as they come: the shot waits for the last epoch, not the class
    race = window.workspace.race
    shown = []

    def ready() -> bool:
        if min(lane.epoch for lane in race.lanes) < EPOCHS:
            return False
        shown.append(1)
        return len(shown) > 4  # a couple of seconds of the final policies' episodes

    return shoot_when(app, window, ready, OUT, interval_ms=500)


if __name__ == "__main__":
    sys.exit(main())
