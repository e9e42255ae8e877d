import pytest

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow

FAST = TrainConfig(batch_steps=500, epochs=0, seed=1)


@pytest.fixture
def window(qtbot):
    win = MainWindow(FAST)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    # No thread may outlive its test.
    assert win.thread_.isFinished()
