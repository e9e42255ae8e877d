import pytest
from PySide6.QtCore import QSettings

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow

FAST = TrainConfig(batch_steps=500, epochs=0, seed=1)


@pytest.fixture(autouse=True)
def private_settings(tmp_path, qapp, monkeypatch):
    """Each test gets its own QSettings and data directory (settings, layout, autosave)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("vpg-gui-tests")
    qapp.setApplicationName("vpg-gui-tests")
    yield tmp_path / "settings"


@pytest.fixture
def window(qtbot):
    win = MainWindow(FAST)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    # No thread may outlive its test.
    assert win.thread_.isFinished()
