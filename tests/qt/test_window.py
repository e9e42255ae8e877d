from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QLineEdit, QPushButton, QSpinBox, QWidget

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.qt.jobs.training import RunState


def wait_epochs(qtbot, window, n, timeout=30000):
    qtbot.waitUntil(lambda: len(window.history) >= n, timeout=timeout)


def settle_paused(qtbot, window):
    """Wait until the worker sits idle and its last epoch has been delivered."""
    qtbot.waitUntil(lambda: window.workspace.quiet, timeout=10000)
    QApplication.processEvents()


def test_contract_widgets_exist(window):
    for name in ("trainButton", "stepButton", "stopButton", "resetButton", "playButton"):
        assert window.findChild(QPushButton, name) is not None, name
    for name in ("batchStepsSpin", "epochsSpin", "seedSpin"):
        assert window.findChild(QSpinBox, name) is not None, name
    assert window.findChild(QDoubleSpinBox, "lrSpin") is not None
    assert window.findChild(QLineEdit, "hiddenSizesEdit") is not None
    for name in ("envCombo", "weightingCombo", "returnPlot", "lengthPlot", "renderView"):
        assert window.findChild(QWidget, name) is not None, name
    for name in ("lrSpin", "batchStepsSpin", "epochsSpin", "hiddenSizesEdit", "seedSpin", "weightingCombo"):
        assert window.findChild(QWidget, name).toolTip(), f"{name} has no tooltip"


def test_train_pause_resume_stop(qtbot, window, drawn_curve):
    window.train_button.click()
    assert window.train_button.text() == "Pause"
    qtbot.waitUntil(lambda: len(drawn_curve(window)[0]) >= 3, timeout=30000)
    x, y = drawn_curve(window)
    assert len(x) >= 3 and list(x[:3]) == [1, 2, 3]
    assert list(y[:3]) == [s.return_mean for s in window.history[:3]]
    band = window.plots.band.boundingRect()  # the min-max band spans the returns seen
    assert band.width() > 0 and band.top() <= min(s.return_min for s in window.history[:3])

    window.train_button.click()  # Pause
    assert window.state == RunState.PAUSED and window.train_button.text() == "Resume"
    settle_paused(qtbot, window)
    paused_at = len(window.history)
    # Paused, the loop sits in its wait for a command: no epoch can start until one comes.
    assert window.workspace.quiet and window.worker.state == RunState.PAUSED
    assert window.status_labels["state"].text() == "paused"  # "pausing" while the epoch in flight ran
    QApplication.processEvents()
    assert len(window.history) == paused_at and window.workspace.quiet

    window.train_button.click()  # Resume
    wait_epochs(qtbot, window, paused_at + 2)
    window.stop_button.click()
    assert window.state == RunState.IDLE and window.train_button.text() == "Train"
    settle_paused(qtbot, window)
    assert [s.epoch for s in window.history] == list(range(1, len(window.history) + 1))


def test_step_runs_exactly_one_epoch(qtbot, window):
    with qtbot.waitSignal(window.worker.epoch_finished, timeout=30000):
        window.step_button.click()
    qtbot.waitUntil(lambda: window.state == RunState.PAUSED)
    settle_paused(qtbot, window)
    assert len(window.history) == 1
    with qtbot.waitSignal(window.worker.epoch_finished, timeout=10000):
        window.step_button.click()
    settle_paused(qtbot, window)
    assert [s.epoch for s in window.history] == [1, 2]


def test_reset_clears_the_plots_and_starts_a_new_policy(qtbot, window, drawn_curve):
    window.train_button.click()
    wait_epochs(qtbot, window, 2)
    first = window.history[0]
    window.reset_button.click()
    assert window.state == RunState.IDLE
    assert window.history == [] and len(drawn_curve(window)[0]) == 0
    settle_paused(qtbot, window)
    assert len(drawn_curve(window)[0]) == 0
    window.train_button.click()
    wait_epochs(qtbot, window, 1)
    assert window.history[0].epoch == 1
    assert window.history[0].return_mean == first.return_mean  # same seed, same first epoch


def test_hot_changes_show_up_in_the_next_epoch(qtbot, window):
    window.train_button.click()
    wait_epochs(qtbot, window, 1)
    changed_at = len(window.history)
    with QSignalBlocker(window.controls.fields["lr"]):  # one edit carrying both, so no epoch sees only one
        window.controls.fields["lr"].setValue(0.05)
    window.controls.fields["batch_steps"].setValue(700)
    # Epochs already finished (or in flight) keep the old values; from the first epoch the worker
    # starts after the change on, every epoch uses the new ones.
    qtbot.waitUntil(lambda: window.history[-1].lr == 0.05, timeout=30000)
    first_new = next(i for i, s in enumerate(window.history) if s.lr == 0.05)
    wait_epochs(qtbot, window, first_new + 3)
    assert first_new >= changed_at
    assert all((s.lr, s.batch_steps) == (0.05, 700) and s.steps >= 700 for s in window.history[first_new:])
    assert all(s.lr == 0.01 for s in window.history[:first_new])


def test_cold_change_waits_for_reset(qtbot, window):
    window.train_button.click()
    wait_epochs(qtbot, window, 1)
    window.controls.fields["hidden_sizes"].setText("8")
    window.controls.fields["hidden_sizes"].textEdited.emit("8")
    assert "applies on Reset" in window.statusBar().currentMessage()
    assert window.reset_button.styleSheet()


def test_invalid_hidden_sizes_are_shown_beside_the_form_not_raised(qtbot, window):
    window.controls.fields["hidden_sizes"].setText("32,x")
    window.controls.fields["hidden_sizes"].textEdited.emit("32,x")
    assert window.controls.error.isVisible()
    assert "hidden_sizes = '32,x'" in window.controls.error.text()
    window.train_button.click()
    assert window.state == RunState.IDLE  # nothing started


def test_play_renders_frames(qtbot, window):
    window.render_panel.play_button.click()
    view = window.render_panel.view
    qtbot.waitUntil(lambda: len((window.render_panel.current_episode() or (0, 0, []))[2]) >= 5, timeout=10000)
    image = view.image()
    assert (image.width(), image.height()) == (600, 400)
    assert "step" in view.text
    window.render_panel.play_button.click()
    assert not window.render_panel.timer.isActive()


def test_close_during_training_stops_the_thread(qtbot, window):
    window.train_button.click()
    window.render_panel.play_button.click()
    wait_epochs(qtbot, window, 1)
    window.close()
    assert window.jobs.running() == []


def test_the_status_bar_comes_from_the_model_so_a_reopened_session_shows_the_same(qtbot, window, open_window, tmp_path):
    window.controls.fields["epochs"].setValue(3)
    window.train_button.click()
    qtbot.waitUntil(lambda: len(window.history) == 3 and window.workspace.quiet, timeout=30000)
    QApplication.processEvents()
    shown = {key: label.text() for key, label in window.status_labels.items() if key != "state"}
    assert shown["steps"] == f"{window.workspace.live.totals()[0]:,} steps" and shown["epoch"] == "epoch 3"
    window.files.save_session_file(tmp_path / "s.vpgsession")
    qtbot.waitUntil(lambda: window.windowTitle().startswith("s.vpgsession - "), timeout=30000)  # written on a thread
    again = open_window()
    assert again.files.open_session_file(tmp_path / "s.vpgsession")
    qtbot.waitUntil(lambda: {k: lab.text() for k, lab in again.status_labels.items() if k != "state"} == shown)


def test_a_reopened_session_brings_back_the_sweep_as_the_model_held_it(qtbot, window, open_window, tmp_path):
    import pyqtgraph as pg

    from vpg_gui.sweeps.spec import SweepSpec

    # What a sweep's job leaves in the model (the job itself needs Ray: test_sweep_window.py).
    ws = window.workspace
    results = ws.start_sweep(SweepSpec(window.controls.config().replace(epochs=1), {"lr": (0.01, 0.1)}, (0,)))
    stats = EpochStats(1, 42.0, 0, 42, 42, 42, 1, 500, 0, 0, 0.1, 500, 1, "episode-return", 0.1, 5e3)
    ws.add_sweep_epoch(results, "lr=0.1_seed=0", stats)
    ws.end_sweep_trial(results, "lr=0.1_seed=0", seconds=1.0, node="n1")
    assert window.findChild(QWidget, "sensitivityPlot").isVisible()
    window.files.save_session_file(tmp_path / "s.vpgsession")
    qtbot.waitUntil(lambda: window.windowTitle().startswith("s.vpgsession - "), timeout=30000)

    again = open_window()
    assert not again.findChild(QWidget, "sensitivityPlot").isVisible()
    assert again.files.open_session_file(tmp_path / "s.vpgsession")
    plot = again.findChild(QWidget, "sensitivityPlot")
    assert plot.isVisible() and again.workspace.sweep.sensitivity("lr") == results.sensitivity("lr")
    points = [i for i in plot.panels["lr"].items if isinstance(i, pg.ScatterPlotItem)]
    assert [list(p.getData()[1]) for p in points] == [[42.0]]
