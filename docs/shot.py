"""What the screenshot scripts share: the window placed on a 1600 x 1000 screen, and the shot
taken once a poll says the scene is ready.

    window = placed(MainWindow(config, offer_restore=False))
    sys.exit(shoot_when(app, window, lambda: len(window.history) >= 9, Path("docs/x.png"), interval_ms=200))
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


def placed(window: QWidget) -> QWidget:
    window.resize(1560, 960)
    window.move(20, 20)
    window.show()
    return window


def shoot_when(app: QApplication, window: QWidget, ready: Callable[[], bool], out: Path, interval_ms: int) -> int:
    """Poll ``ready`` (which may also move the scene on) every ``interval_ms``; when it returns
    True, save the window's pixels as seen on screen to ``out`` and close it. Returns app.exec()."""

    def poll():
        if not ready():
            return
        timer.stop()
        window.screen().grabWindow(0).copy(window.frameGeometry()).save(str(out))
        print(f"wrote {out}")
        window.close()

    timer = QTimer(interval=interval_ms, timeout=poll)
    timer.start()
    return app.exec()
