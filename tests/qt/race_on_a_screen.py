"""Run by test_race_window.py in a process of its own, whose offscreen screen has the size asked
for (the tests' own is 800x800, and a full-screen window takes the screen's size): a race of N
lanes, in presentation mode or not, measured and printed as JSON; with a path, its race GIF too.

    python race_on_a_screen.py WIDTH HEIGHT LANES presentation|normal [GIF]
"""

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
LANES = (("episode-return", "none"), ("reward-to-go", "none"), ("reward-to-go", "value"), ("episode-return", "value"))


def wait(app, condition, seconds=60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def main() -> None:
    width, height, lanes, mode = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    gif = sys.argv[5] if len(sys.argv) > 5 else None
    app = QApplication(sys.argv[:1])
    window = MainWindow(TrainConfig(batch_steps=500, seed=1, epochs=0), offer_restore=False)
    window.show()
    window.setGeometry(0, 0, width, height)
    # Three epochs in presentation mode: a finished race's longer status is on screen when measured.
    epochs = 3 if mode == "presentation" else 0
    configs = [TrainConfig(batch_steps=500, seed=1, epochs=epochs, weighting=w, baseline=b) for w, b in LANES[:lanes]]
    window.race.start(configs)
    if mode == "presentation":
        window.presentation_action.trigger()
    race = window.workspace.race
    view = window.findChild(QWidget, "raceView")
    boxes = [view.findChild(QWidget, f"raceLane{i}") for i in range(lanes)]
    frames = [lane.findChild(FrameView) for lane in boxes]
    trained = wait(
        app, lambda: min(lane.epoch for lane in race.lanes) >= (epochs or 2) and all(f.shown for f in frames)
    )
    texts = [t for lane in boxes for t in lane.findChildren(QWidget) if isinstance(t, TEXTS) and t.isVisible()]
    data = window.plots.return_plot.getViewBox().size()
    written = True
    if gif is not None:
        window.files.export_race_gif_file(gif)
        written = wait(app, lambda: os.path.exists(gif))
    print(
        json.dumps(
            {
                "window": window.size().toTuple(),
                "trained": trained,
                "written": written,
                "frames": [f.size().toTuple() for f in frames],
                "lanes": [lane.geometry().getRect() for lane in boxes],
                "view": view.rect().getRect(),
                "plot_data_area": [data.width(), data.height()],
                "smallest_text_px": min(QFontInfo(t.font()).pixelSize() for t in texts),
                "frame_text_px": min(QFontInfo(f.font()).pixelSize() for f in frames),
            }
        )
    )
    window.close()


if __name__ == "__main__":
    main()
