"""Divergence, faults, autosave and closing during each activity."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.qt import fault_envs
from vpg_gui.algo.metrics import read_csv
from vpg_gui.qt.jobs.training import RunState
from vpg_gui.qt.main_window import MainWindow
from vpg_gui.storage.autosave import LAST


def box(window, name):
    return next((b for b in window.findChildren(QMessageBox) if b.objectName() == name and b.isVisible()), None)


def test_divergence_pauses_with_a_message_and_the_run_resumes(qtbot, window):
    trigger = fault_envs.TRIGGER
    trigger.unlink(missing_ok=True)
    window.controls.choose_env(fault_envs.BLOWUP)
    for n in (1, 2):
        window.step_button.click()
        qtbot.waitUntil(lambda n=n: len(window.history) == n and window.workspace.quiet, timeout=30000)
    trigger.touch()  # epoch 3 gets an infinite reward
    window.train_button.click()
    qtbot.waitUntil(lambda: box(window, "divergedBox") is not None, timeout=30000)
    assert window.state == RunState.PAUSED and window.train_button.text() == "Resume"
    assert "Epoch 3: the loss became" in box(window, "divergedBox").text()
    assert not trigger.exists() and len(window.history) == 2
    qtbot.waitUntil(lambda: window.plots.mean_curve.getData()[1] is not None)
    qtbot.waitUntil(lambda: len(window.plots.mean_curve.getData()[1]) == 2)
    assert all(np.isfinite(window.plots.mean_curve.getData()[1]))
    snapshot = window.workspace.live.snapshots[2]
    assert all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in snapshot.layers)
    window.train_button.click()  # Resume
    qtbot.waitUntil(lambda: len(window.history) >= 4, timeout=30000)
    assert [s.epoch for s in window.history[:4]] == [1, 2, 3, 4]


def test_a_raising_env_shows_a_dialog_and_the_window_goes_on(qtbot, window):
    window.controls.choose_env(fault_envs.BROKEN)
    window.train_button.click()
    qtbot.waitUntil(lambda: box(window, "") is not None and window.state == RunState.IDLE, timeout=30000)
    failed = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert "the physics engine exploded" in failed.text() and "RuntimeError" in failed.detailedText()
    assert window.jobs.running() == [window.worker]  # the same worker goes on, with a fresh run
    window.controls.choose_env("CartPole-v1")
    window.train_button.click()
    qtbot.waitUntil(lambda: len(window.history) >= 2, timeout=30000)


def test_autosave_grows_per_epoch_and_a_clean_close_offers_nothing(qtbot, window, fast):
    window.train_button.click()
    qtbot.waitUntil(lambda: len(window.history) >= 3, timeout=30000)
    window.train_button.click()
    qtbot.waitUntil(lambda: window.workspace.quiet, timeout=10000)
    QApplication.processEvents()
    saved = read_csv(window.workspace.autosave.directory / LAST)
    assert saved == window.history
    window.close()

    again = MainWindow(fast)
    qtbot.addWidget(again)
    try:
        QApplication.processEvents()  # the look for a run to restore: the event loop's first turn
        assert box(again, "restoreBox") is None  # closed cleanly: nothing to restore
    finally:
        again.close()


KILLED = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    from vpg_gui.qt import app as vpg_app
    qt_app = QApplication(sys.argv[:1])
    sys.exit(vpg_app.main(["--autostart", "--batch-steps", "300", "--epochs", "0"]))
    """
)


def test_autosave_survives_a_killed_process_and_is_offered_back(qtbot, qapp, tmp_path, monkeypatch, fast):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "SDL_VIDEODRIVER": "dummy"}
    proc = subprocess.Popen([sys.executable, "-c", KILLED], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    csv_path = tmp_path / "vpg-gui" / "vpg-gui" / LAST  # $XDG_DATA_HOME/<organization>/<app>
    try:
        qtbot.waitUntil(lambda: csv_path.exists() and csv_path.read_text().count("\n") >= 6, timeout=60000)
    finally:
        proc.send_signal(signal.SIGKILL)  # mid-run, no chance to clean up
        proc.wait(10)
    rows = read_csv(csv_path)
    assert len(rows) >= 5 and [r.epoch for r in rows] == list(range(1, len(rows) + 1))

    # The next window offers the killed run back, with its settings; given a file, it does not ask.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    qapp.setOrganizationName("vpg-gui")
    qapp.setApplicationName("vpg-gui")
    for offer in (False, True):
        again = MainWindow(fast, offer_restore=offer)
        qtbot.addWidget(again)
        try:
            QApplication.processEvents()  # the look for a run to restore: the event loop's first turn
            offered = box(again, "restoreBox")
            assert (offered is not None) == offer
            if offer:
                offered.button(QMessageBox.StandardButton.Yes).click()
                (run,) = again.workspace.kept
                assert run.history[: len(rows)] == rows and run.config.batch_steps == 300
                assert again.run_list.labels()[1] == "batch steps 300, seed 0"  # what sets it apart
        finally:
            again.close()


def test_close_while_paused_while_playing_and_while_writing_a_gif(qtbot, tmp_path, fast):
    for activity in ("paused", "playing", "gif"):
        win = MainWindow(fast)
        qtbot.addWidget(win)
        win.show()
        win.step_button.click()
        qtbot.waitUntil(lambda w=win: len(w.history) == 1 and w.workspace.quiet, timeout=30000)
        if activity == "playing":
            win.render_panel.play_button.click()
        if activity == "gif":
            win.files.record_evolution_file(tmp_path / "evo.gif", "1 1 1 1 1 1")
        win.close()
        assert win.jobs.running() == []  # training and the GIF being written: both ended
        assert list(tmp_path.glob(".evo.gif.*.tmp")) == []  # write_gif's temp file (formats/files.py) is gone
