"""Run by test_race_window.py in a process of its own, whose offscreen screen is 1920x1080 (the
tests' own is 800x800, and a full-screen window takes the screen's size): a 3-lane race in
presentation mode, measured and printed as JSON, with its race GIF written to argv[1]."""

import json
import os
import sys
import time

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QCheckBox, QLabel, QPushButton, QWidget

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow
from vpg_gui.qt.views.render import FrameView

TEXTS = (QLabel, QPushButton, QCheckBox, QAbstractSpinBox)
LANES = (("episode-return", "none"), ("reward-to-go", "none"), ("reward-to-go", "value"))


def wait(app, condition, seconds=60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def main() -> None:
    app = QApplication(sys.argv[:1])
    window = MainWindow(TrainConfig(batch_steps=500, seed=1, epochs=0), offer_restore=False)
    window.show()
    window.race.start([TrainConfig(batch_steps=500, seed=1, weighting=w, baseline=b) for w, b in LANES])
    window.presentation_action.trigger()
    race = window.workspace.race
    view = window.findChild(QWidget, "raceView")
    frames = [view.findChild(QWidget, f"raceLane{i}").findChild(FrameView) for i in range(3)]
    trained = wait(app, lambda: min(lane.epoch for lane in race.lanes) >= 1 and all(f.shown for f in frames))
    lanes = [view.findChild(QWidget, f"raceLane{i}") for i in range(3)]
    texts = [t for lane in lanes for t in lane.findChildren(QWidget) if isinstance(t, TEXTS) and t.isVisible()]
    window.files.export_race_gif_file(sys.argv[1])
    written = wait(app, lambda: os.path.exists(sys.argv[1]))
    print(
        json.dumps(
            {
                "window": window.size().toTuple(),
                "trained": trained,
                "written": written,
                "frames": [f.size().toTuple() for f in frames],
                "lanes": [lane.geometry().getRect() for lane in lanes],
                "view": view.rect().getRect(),
                "smallest_text_px": min(QFontInfo(t.font()).pixelSize() for t in texts),
                "frame_text_px": min(QFontInfo(f.font()).pixelSize() for f in frames),
            }
        )
    )
    window.close()


if __name__ == "__main__":
    main()
