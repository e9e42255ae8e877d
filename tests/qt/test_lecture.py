"""Lecture controls: markers, kept runs, smoothing, presets, sessions, exports, shortcuts."""

import csv
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import imageio.v2 as imageio
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from vpg_gui.algo.metrics import read_csv
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig
from vpg_gui.formats.checked_text import HAND_WRITTEN
from vpg_gui.qt.jobs.training import RunState
from vpg_gui.qt.main_window import SHORTCUTS, MainWindow
from vpg_gui.qt.views.plot_fonts import PRESENTATION_PX
from vpg_gui.storage.presets import Preset, builtin_presets, save_preset


def test_hot_change_draws_a_marker_where_it_took_effect(qtbot, window, step, vertical_lines):
    step(window)
    window.controls.fields["lr"].setValue(0.05)
    step(window)
    assert [s.lr for s in window.history] == [0.01, 0.05]
    (marker,) = vertical_lines(window.plots.return_plot)
    assert marker.value() == 2 and marker.label.toPlainText() == "lr 0.01 -> 0.05"
    assert len(window.plots.length_plot.getPlotItem().items) > 1  # the marker is on both plots


def test_cold_change_waits_for_reset(qtbot, window, step, fast):
    step(window)
    window.controls.fields["seed"].setValue(5)
    assert window.controls.pending_hints["seed"].isVisible()
    assert "applies on Reset" in window.controls.pending_hints["seed"].text()
    step(window)
    assert window.workspace.live.config.seed == 1 and len(window.history) == 2  # same run, old seed
    window.reset_button.click()
    assert not window.controls.pending_hints["seed"].isVisible()
    step(window)
    headless = Trainer(fast.replace(seed=5))
    assert window.history[0].return_mean == headless.train_epoch().return_mean  # the new seed's run
    headless.close()


def test_reset_keeps_the_old_run_faded_and_labelled(qtbot, window, step):
    step(window, 2)
    window.controls.fields["weighting"].setCurrentText("reward-to-go")
    window.reset_button.click()
    assert window.run_list.labels() == ["reward-to-go", "episode-return"]  # live first, then kept
    items = window.plots.return_plot.getPlotItem().listDataItems()
    assert items[0] is window.plots.mean_curve and window.plots.kept_curves()[0] in items
    assert window.run_list.count() == 2
    window.clear_runs_action.trigger()
    assert window.workspace.kept == [] and window.plots.kept_curves() == []
    assert window.plots.return_plot.getPlotItem().listDataItems() == [window.plots.mean_curve]
    assert window.run_list.labels() == []  # the new live run has no epochs and nothing beside it


def test_the_lecture_scenario_labels_every_run_truthfully(qtbot, window, step, vertical_lines):
    """Train, lr 0.3 mid-run, Reset to reward-to-go, train, Reset, the same again, then preset 5."""
    step(window, 2)
    window.controls.fields["lr"].setValue(0.3)
    step(window, 2)
    window.controls.fields["lr"].setValue(0.01)
    window.controls.fields["weighting"].setCurrentText("reward-to-go")
    window.reset_button.click()
    step(window, 2)
    window.reset_button.click()
    step(window, 2)
    assert window.run_list.labels() == [
        "lr 0.01, reward-to-go, run 3",
        "lr 0.01 -> 0.3 @ 3, episode-return",
        "lr 0.01, reward-to-go, run 2",
    ]
    kept_marker = [line for line in vertical_lines(window.plots.return_plot) if line.value() == 3]
    assert len(kept_marker) == 1 and kept_marker[0].pen.color().alpha() < 255  # kept, faded
    assert kept_marker[0].pen.color().rgb() == window.plots.kept_curves()[0].opts["pen"].color().rgb()
    window.plots.diagnostics.series.setCurrentIndex(0)
    diagnostics = window.plots.diagnostics.plot.getPlotItem().listDataItems()
    assert len(diagnostics) == 3  # the live run and the two kept ones, overlaid
    assert [list(c.getData()[1]) for c in diagnostics[1:]] == [
        [s.grad_var for s in run.history] for run in window.workspace.kept
    ]

    preset = window.preset_combo
    preset.activated.emit(5)  # "5. ..."
    assert preset.currentIndex() == 5 and preset.currentText() == preset.itemText(5)
    assert "(modified)" not in preset.currentText()
    assert window.history == [] and len(window.workspace.kept) == 3  # a new run; the last one is kept
    step(window)
    assert window.history[0].epoch == 1 and window.history[0].lr == window.workspace.preset.config.lr
    labels = window.run_list.labels()
    assert len(labels) == 4 and len(set(labels)) == 4
    window.controls.fields["lr"].setValue(0.2)
    assert preset.currentText().endswith("(modified)")


def test_smoothing_smooths_the_mean_but_not_the_band(qtbot, window, step):
    step(window, 3)
    raw_band = window.plots.band.curves[1].getData()[1].copy()
    window.smoothing.setValue(0.9)
    y = window.plots.mean_curve.getData()[1]
    assert y[0] == window.history[0].return_mean and y[-1] != window.history[-1].return_mean
    assert list(window.plots.band.curves[1].getData()[1]) == list(raw_band)


def test_preset_round_trip_and_refusal(qtbot, window, tmp_path):
    assert window.files.open_preset_file(builtin_presets()[1])  # reward-to-go
    assert window.controls.config().weighting == "reward-to-go"
    mine = window.controls.config().replace(lr=0.02, batch_steps=1234)
    save_preset(tmp_path / "mine.toml", Preset("Mine", "", mine))
    window.files.open_preset_file(builtin_presets()[0])
    assert window.files.open_preset_file(tmp_path / "mine.toml")
    assert window.controls.config() == mine
    bad = tmp_path / "bad.toml"
    bad.write_text(f"{HAND_WRITTEN}\n[config]\nlearning_rate = 3\n")
    assert not window.files.open_preset_file(bad)
    assert "unknown setting 'learning_rate'" in window.statusBar().currentMessage()
    assert window.controls.config() == mine  # untouched


def test_session_round_trip_continues_the_run(qtbot, window, tmp_path, step, vertical_lines):
    step(window, 2)
    window.controls.fields["lr"].setValue(0.03)
    step(window)
    window.reset_button.click()
    step(window, 2)
    path = tmp_path / "lecture.vpgsession"
    window.files.save_session_file(path)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("lecture.vpgsession - "))  # written on a thread
    assert path.exists() and window.statusBar().currentMessage() == f"Session saved to {path}"
    step(window)  # what the original does next
    expected = window.history[-1]

    other = MainWindow(offer_restore=False)
    qtbot.addWidget(other)
    try:
        assert other.files.open_session_file(path)
        assert other.windowTitle().startswith("lecture.vpgsession - ")
        assert other.history == window.history[:2]
        assert [r.history for r in other.workspace.kept] == [r.history for r in window.workspace.kept]
        assert other.run_list.labels() == window.run_list.labels()
        assert 3 in [line.value() for line in vertical_lines(other.plots.return_plot)]  # the kept run's marker
        step(other)
        got = other.history[-1]
        assert (got.epoch, got.return_mean, got.loss) == (expected.epoch, expected.return_mean, expected.loss)
    finally:
        other.close()


def test_opening_a_session_loads_no_torch_in_the_windows_process(tmp_path, write_session):
    trainer = Trainer(TrainConfig(batch_steps=300))
    trainer.train_epoch()
    write_session(tmp_path / "s.vpgsession", trainer.config, trainer.state())
    trainer.close()
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from vpg_gui.qt.main_window import MainWindow; w = MainWindow(offer_restore=False);"
        f"ok = w.files.open_session_file({str(tmp_path / 's.vpgsession')!r}); w.close();"
        "sys.exit(0 if ok and 'torch' not in sys.modules else 1)"
    )
    env = {"XDG_DATA_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "SDL_VIDEODRIVER": "dummy"}
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]


def test_bad_session_is_refused_and_nothing_changes(qtbot, window, tmp_path, step, fast):
    step(window)
    before = list(window.history)
    for name, data in (("junk.vpgsession", b"not a session"), ("empty.vpgsession", b"")):
        (tmp_path / name).write_bytes(data)
        assert not window.files.open_session_file(tmp_path / name)
        assert window.history == before and window.state != RunState.TRAINING
    Trainer(fast).save(tmp_path / "checkpoint.pt")  # a checkpoint is not a session
    assert not window.files.open_session_file(tmp_path / "checkpoint.pt")
    assert "not a vpg-gui session" in window.statusBar().currentMessage()
    step(window)
    assert len(window.history) == 2  # and the run goes on


def test_exports_write_files_that_read_back(qtbot, window, tmp_path, step):
    step(window, 2)
    window.files.export_csv_file(tmp_path / "m.csv")
    assert read_csv(tmp_path / "m.csv") == window.history
    with open(tmp_path / "m.csv", newline="") as f:
        assert "change" in next(csv.reader(f))
    window.files.export_plots(tmp_path / "p.png")  # a 1920x1080 slide by default, the plots only
    assert QImage(str(tmp_path / "p.png")).size().toTuple() == (1920, 1080)
    window.files.export_plots(tmp_path / "small.png", width=800)
    assert QImage(str(tmp_path / "small.png")).size().toTuple() == (800, 450)
    window.files.export_plots(tmp_path / "p.svg")
    svg = ET.parse(tmp_path / "p.svg").getroot()
    assert svg.tag.endswith("svg") and svg.get("viewBox").split()[2] == "1920"
    assert "Diagnostic:" not in (tmp_path / "p.svg").read_text()  # no widgets, only the plots

    window.render_panel.play_button.click()
    qtbot.waitUntil(lambda: len((window.render_panel.current_episode() or (0, 0, []))[2]) >= 5, timeout=10000)
    window.render_panel.play_button.click()
    _, _, actions, _, _ = window.render_panel.current_episode()
    window.files.export_episode_gif_file(tmp_path / "e.gif")
    # The GIF is written in the background; the status bar says when it is there.
    saved = f"GIF saved to {tmp_path / 'e.gif'}"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith(saved), timeout=30000)
    frames = imageio.mimread(tmp_path / "e.gif")
    assert frames[0].shape[:2] == (400, 600) and 2 <= len(frames) <= len(actions) + 1  # the render's own size

    assert window.files.record_evolution_file(tmp_path / "evo.gif", "1, 2")
    qtbot.waitUntil(lambda: (tmp_path / "evo.gif").exists(), timeout=60000)
    assert len(imageio.mimread(tmp_path / "evo.gif")) >= 4
    assert not window.files.record_evolution_file(tmp_path / "x.gif", "1, 99")  # no snapshot of epoch 99


@pytest.mark.parametrize(
    ("key", "check"),
    [
        (Qt.Key.Key_N, lambda w: len(w.history) == 1),
        (Qt.Key.Key_Space, lambda w: w.state == RunState.TRAINING or len(w.history) >= 1),
        (Qt.Key.Key_P, lambda w: w.render_panel.play_button.isChecked()),
        (Qt.Key.Key_F11, lambda w: w.presentation_action.isChecked()),
    ],
)
def test_shortcuts_trigger_their_actions(qtbot, window, key, check):
    window.activateWindow()
    window.setFocus()
    QTest.keyClick(window, key)
    qtbot.waitUntil(lambda: check(window), timeout=30000)


def test_reset_shortcut_and_help_lists_every_shortcut(qtbot, window, step):
    step(window)
    QTest.keyClick(window, Qt.Key.Key_R)
    assert window.history == []
    shortcuts = {
        a.shortcut().toString() for a in window.findChildren(type(window.train_action)) if not a.shortcut().isEmpty()
    }
    assert shortcuts <= {key for key, _ in SHORTCUTS}
    assert {"Space", "N", "R", "P", "F11"} <= shortcuts


def test_presentation_mode_keeps_only_the_lecture_controls(qtbot, window):
    window.presentation_action.trigger()
    for widget in (
        window.train_button,
        window.reset_button,
        window.render_panel.play_button,
        window.controls.fields["lr"],
    ):
        assert widget.isVisible()
    hidden = (
        window.step_button,
        window.smoothing,
        window.controls.sections["network"],
        window.controls.fields["batch_steps"],
    )
    qtbot.waitUntil(lambda: not any(w.isVisible() for w in (*hidden, window.render_panel.speed)))
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: all(w.isVisible() for w in hidden))


def test_settings_are_remembered(qtbot, window):
    window.controls.fields["lr"].setValue(0.05)
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    try:
        assert again.controls.config().lr == 0.05
    finally:
        again.close()


def test_compare_seeds_draws_a_band_while_the_live_run_goes_on(qtbot, window):
    window.controls.fields["epochs"].setValue(3)
    window.train_button.click()
    window.sweeps.compare_action.trigger()
    qtbot.waitUntil(lambda: not window.sweeps.running(), timeout=60000)
    (group,) = window.workspace.seed_groups
    mean_curve, seed_curves = window.plots.group_curves(group)
    x, mean = mean_curve.getData()
    assert sorted(seed_curves) == list(group.seeds)
    assert list(x) == [1, 2, 3] and group.seeds == (1, 2, 3, 4, 5)
    per_epoch = [[group.histories[s][i].return_mean for s in group.seeds] for i in range(3)]
    assert np.allclose(mean, [np.mean(v) for v in per_epoch])
    assert window.run_list.labels()[-1] == "seeds 1-5 (mean ± std)"
    qtbot.waitUntil(lambda: len(window.history) == 3, timeout=60000)  # the live run was not held up


def test_closing_during_a_seed_comparison_ends_its_processes(qtbot, tmp_path, fast, live_descendants):
    before = live_descendants()  # e.g. the fork server, which outlives windows
    win = MainWindow(fast.replace(epochs=500))
    qtbot.addWidget(win)
    win.show()
    win.sweeps.compare_action.trigger()
    (group,) = win.workspace.seed_groups
    qtbot.waitUntil(lambda: any(group.histories.values()), timeout=60000)
    started = live_descendants() - before  # the sweep's driver, its Ray, the workers training seeds
    assert len(started) >= 3
    win.close()
    assert win.jobs.running() == [] and not started & live_descendants()


def test_the_policy_views_show_probabilities_and_the_heatmap_forms(qtbot, window):
    from vpg_gui.playback.policy_view import cartpole_heatmap

    probs_view = window.findChild(QWidget, "actionProbsView")
    heatmap = window.findChild(pg.PlotWidget, "policyHeatmap")
    window.step_button.click()
    qtbot.waitUntil(lambda: len(window.history) == 1 and heatmap.grid is not None, timeout=30000)
    assert np.allclose(heatmap.grid, cartpole_heatmap(window.workspace.live.snapshots[1]))  # the latest policy's
    window.render_panel.play_button.click()
    qtbot.waitUntil(lambda: len((window.render_panel.current_episode() or (0, 0, []))[2]) > 3)
    assert probs_view.names == ("push left", "push right")
    player = window.render_panel.player
    assert np.allclose(probs_view.probs, player.policy.probs(player.obs[None].astype(np.float32))[0])
    window.render_panel.play_button.click()
    window.controls.choose_env("Acrobot-v1")  # no heatmap for other envs
    window.reset_button.click()
    assert heatmap.isHidden()


def test_the_diagnostics_plot_shows_the_picked_series(qtbot, window, step):
    window.controls.fields["baseline"].setCurrentText("value")
    step(window, 2)
    diagnostics = window.plots.diagnostics
    assert diagnostics.plot.objectName() == "diagnosticsPlot"
    for i in range(diagnostics.series.count()):
        diagnostics.series.setCurrentIndex(i)
        field = diagnostics.field
        x, y = diagnostics.plot.getPlotItem().listDataItems()[0].getData()
        assert list(x) == [1, 2] and list(y) == [getattr(s, field) for s in window.history]
        assert diagnostics.series.itemData(i, Qt.ItemDataRole.ToolTipRole)  # each series explained
    assert all(s.baseline == "value" and s.value_loss > 0 and s.grad_var > 0 for s in window.history)


def test_the_heatmap_draws_the_probabilities_across_its_axes(qtbot):
    from vpg_gui.algo.numpy_policy import NumpyPolicy
    from vpg_gui.qt.views.policy_views import PolicyHeatmap

    w = np.zeros((4, 2), np.float32)
    w[2, 1] = 40.0  # P(push right) rises with the pole angle: blue on the left, red on the right
    heatmap = PolicyHeatmap()
    qtbot.addWidget(heatmap)
    heatmap.resize(400, 300)
    heatmap.show()
    heatmap.set_policy(NumpyPolicy([(w, np.zeros(2, np.float32))], "tanh"))
    qtbot.waitUntil(lambda: heatmap.grid is not None)
    image = heatmap.grab().toImage()
    view = heatmap.getPlotItem().vb.sceneBoundingRect()
    y = int(view.center().y())
    inset = view.width() * 0.15
    left, right = (image.pixelColor(int(x), y) for x in (view.left() + inset, view.right() - inset))
    assert left.blue() > left.red() and right.red() > right.blue()  # not one colour all over
    # The colour bar beside it gives the numbers: 0 (blue) at the bottom to 1 (red) at the top.
    bar = heatmap.color_bar
    assert bar.levels() == (0.0, 1.0) and bar.sceneBoundingRect().left() >= view.right()
    strip = bar.bar.sceneBoundingRect()  # the colours themselves, without the axis
    top, bottom = (image.pixelColor(int(strip.center().x()), int(y)) for y in (strip.top() + 3, strip.bottom() - 3))
    assert top.red() > top.blue() and bottom.blue() > bottom.red()
    heatmap.set_presentation(True)
    assert bar.axis.style["tickFont"].pixelSize() == bar.axis.label.font().pixelSize() == PRESENTATION_PX


def test_restore_defaults_puts_every_setting_back_for_a_clean_start(qtbot, window, step):
    step(window)
    window.controls.fields["lr"].setValue(0.2)
    window.smoothing.setValue(0.5)
    window.plots.diagnostics.series.setCurrentIndex(3)
    window.findChild(type(window.train_action), "restoreDefaultsAction").trigger()
    assert window.controls.config() == TrainConfig() and window.smoothing.value() == 0.0
    assert window.plots.diagnostics.series.currentIndex() == 0
    assert window.history == [] and not window.workspace.live.started  # a new run waits for Train
    window.close()
    again = MainWindow(offer_restore=False)
    qtbot.addWidget(again)
    try:
        assert again.controls.config() == TrainConfig()  # remembered as the defaults
    finally:
        again.close()


@pytest.mark.parametrize("field", ["lr", "batch_steps", "seed", "hidden_sizes"])
def test_single_key_shortcuts_reach_the_window_from_a_number_field(qtbot, window, field):
    widget = window.controls.fields[field]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    before = window.controls.config()
    QTest.keyClick(widget, Qt.Key.Key_Space)  # while editing: Train, and the value stays
    qtbot.waitUntil(lambda: window.state == RunState.TRAINING)
    assert window.controls.config() == before
    QTest.keyClick(widget, Qt.Key.Key_Space)  # Pause
    qtbot.waitUntil(lambda: window.state == RunState.PAUSED)


def test_enter_commits_a_value_and_gives_the_focus_back(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    lr = window.controls.fields["lr"]
    lr.setFocus()
    qtbot.waitUntil(lr.hasFocus)
    lr.selectAll()
    QTest.keyClicks(lr, "0.3")
    QTest.keyClick(lr, Qt.Key.Key_Return)
    assert lr.value() == 0.3 and not lr.hasFocus()
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_N)  # Step
    qtbot.waitUntil(lambda: len(window.history) == 1, timeout=30000)
    assert window.history[0].lr == 0.3 and lr.value() == 0.3


def test_compare_seeds_until_stopped_runs_50_epochs_draws_as_it_goes_and_cancels(qtbot, window):
    window.sweeps.compare_action.trigger()  # Epochs is 0: until stopped
    (group,) = window.workspace.seed_groups
    assert group.config.epochs == 50 and window.sweeps.progress.isVisible()
    qtbot.waitUntil(lambda: sum(map(len, group.histories.values())) >= 2, timeout=60000)
    qtbot.waitUntil(lambda: window.sweeps.bar.value() >= 2)
    assert window.sweeps.running()  # drawn before the comparison is done
    _, seed_curves = window.plots.group_curves(group)
    assert seed_curves and all(len(curve.getData()[0]) >= 1 for curve in seed_curves.values())
    window.findChild(QWidget, "sweepCancel").click()
    assert not window.sweeps.progress.isVisible()
    qtbot.waitUntil(lambda: not window.sweeps.running(), timeout=60000)  # its Ray has shut down
    arrived = sum(map(len, group.histories.values()))
    assert window.workspace.seed_groups == [group] and arrived < 5 * 50  # what arrived stays; no more came


def test_marker_labels_never_cover_each_other_or_the_solved_line(qtbot, window, step):
    step(window)
    for lr in (0.02, 0.03, 0.04, 0.05):  # a change at each of four epochs in a row
        window.controls.fields["lr"].setValue(lr)
        step(window)
    labels = window.plots.marker_labels()
    assert [label.toPlainText() for label in labels][0] == "lr 0.01 -> 0.02" and len(labels) == 4
    for presenting in (False, True):  # and in presentation mode's 22 px text
        if presenting:
            window.presentation_action.trigger()
            qtbot.waitUntil(lambda: QFontInfo(labels[0].textItem.font()).pixelSize() >= 22)
        shown = [label for label in labels if label.isVisible()]  # one with no room left shows no text
        assert labels[0] in shown and (presenting or shown == labels)
        rects = [label.sceneBoundingRect() for label in shown] + [window.plots.threshold.label.sceneBoundingRect()]
        assert all(r.width() > 0 for r in rects)
        overlapping = [(i, j) for i in range(len(rects)) for j in range(i) if rects[i].intersects(rects[j])]
        assert overlapping == []


def css_px(size: str) -> float:
    """A pyqtgraph size string ("22px", "10pt") in pixels at 96 dpi."""
    return float(size[:-2]) * (96 / 72 if size.endswith("pt") else 1)


def test_presentation_mode_text_is_at_least_20_px(qtbot, window, step):
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QMenu

    step(window, 2)
    window.reset_button.click()  # a kept run: the run list has two rows
    step(window)
    window.controls.fields["lr"].setValue(0.05)
    step(window)  # a labelled change marker on the live run
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: not window.controls.fields["seed"].isVisible())
    kinds = QLabel | QAbstractButton | QAbstractSpinBox | QComboBox
    texts = [w for w in window.findChildren(QWidget) if isinstance(w, kinds)]
    sizes = {w.objectName() or type(w).__name__: QFontInfo(w.font()).pixelSize() for w in texts if w.isVisible()}
    sizes["actionProbs"] = QFontInfo(window.findChild(QWidget, "actionProbsView").font()).pixelSize()
    for menu in window.menuBar().findChildren(QMenu):
        sizes[f"menu {menu.title()}"] = QFontInfo(menu.font()).pixelSize()
    plots = window.plots
    for plot in (plots.return_plot, plots.length_plot, plots.diagnostics.plot, window.render_panel.heatmap):
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            sizes[f"{plot.objectName()} {name} ticks"] = QFontInfo(axis.style["tickFont"]).pixelSize()
            sizes[f"{plot.objectName()} {name} label"] = QFontInfo(axis.label.font()).pixelSize()
        if plot.getPlotItem().titleLabel.text:
            sizes[f"{plot.objectName()} title"] = css_px(plot.getPlotItem().titleLabel.opts["size"])
    sizes["runList"] = QFontInfo(window.run_list.font()).pixelSize()
    bar = window.render_panel.heatmap.color_bar
    sizes["colour bar ticks"] = QFontInfo(bar.axis.style["tickFont"]).pixelSize()
    sizes["colour bar label"] = QFontInfo(bar.getAxis("left").label.font()).pixelSize()
    for i, label in enumerate([*plots.marker_labels(), plots.threshold.label]):
        sizes[f"marker label {i}"] = QFontInfo(label.textItem.font()).pixelSize()
    assert window.run_list.count() == 2 and window.run_list.isVisible() and plots.marker_labels()
    small = {name: px for name, px in sizes.items() if px < 22}
    assert small == {}
    window.presentation_action.trigger()
    assert QFontInfo(window.controls.fields["seed"].font()).pixelSize() < 20  # back to the desktop's size


def test_a_small_window_keeps_its_key_actions_and_texts_in_view(qtbot, window):
    window.showNormal()
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.width() <= 1024 and window.height() <= 600)
    bar = window.toolbar
    for action in (window.sweeps.compare_action, window.clear_runs_action):
        button = bar.widgetForAction(action)
        assert button.isVisible() and bar.rect().contains(button.geometry())  # not in the overflow
    assert window.findChild(QWidget, "controlsScroll").isVisible()  # the form scrolls, the plots keep height
    assert window.plots.return_plot.height() >= 180
    window.render_panel.play_button.click()
    info = window.findChild(QWidget, "renderInfo")
    qtbot.waitUntil(lambda: "fps" in info.text())
    assert info.wordWrap()
    qtbot.waitUntil(lambda: info.heightForWidth(info.width()) <= info.height())  # the whole text shows


def test_the_environment_is_picked_from_a_list_and_keys_there_are_shortcuts(qtbot, window, step):
    env = window.controls.env
    assert not env.isEditable() and env.itemText(env.count() - 1) == "Other..."
    step(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    env.setFocus()
    qtbot.waitUntil(env.hasFocus)
    QTest.keyClick(env, Qt.Key.Key_R)  # Reset, not a letter typed into the id
    assert window.history == [] and window.controls.config().env_id == "CartPole-v1"
    window.controls.choose_env("CartPole-v0")  # any registered id can be added (as "Other..." does)
    assert window.controls.config().env_id == "CartPole-v0" and env.itemText(env.count() - 1) == "Other..."


def test_a_reopened_session_restores_its_physics_preset_and_diagnostic(qtbot, window, tmp_path, step, fast):
    long_pole = Preset("Long pole", "a pole twice as long", fast.replace(physics=(("length", 1.0),)))
    save_preset(tmp_path / "long.toml", long_pole)
    assert window.files.open_preset_file(tmp_path / "long.toml")
    step(window, 2)
    assert window.plots.diagnostics.choose("entropy")
    window.files.save_session_file(tmp_path / "long.vpgsession")
    qtbot.waitUntil(lambda: window.windowTitle().startswith("long.vpgsession - "))

    other = MainWindow(offer_restore=False)
    qtbot.addWidget(other)
    try:
        assert other.files.open_session_file(tmp_path / "long.vpgsession")
        assert other.preset_combo.currentText() == "Long pole"  # the preset box, not "Presets..."
        assert other.plots.diagnostics.field == "entropy"
        other.render_panel.play_button.click()  # before any Train: the session's physics, not the env's
        qtbot.waitUntil(lambda: other.render_panel.current_episode() is not None, timeout=10000)
        assert other.render_panel.current_episode()[4] == {"length": 1.0}
    finally:
        other.render_panel.stop()
        other.close()


def test_the_diagnostics_log_scale_shows_runs_a_thousandfold_apart(qtbot):
    import dataclasses

    from vpg_gui.algo.metrics import EpochStats
    from vpg_gui.model.runs import Workspace
    from vpg_gui.qt.views.plots import TrainingPlots

    base = EpochStats(1, 20.0, 5.0, 9.0, 40.0, 20.0, 250, 5000, 3.1, 0.69, 0.01, 5000, 1.0, "episode-return", 0.05, 1e5)
    workspace = Workspace(TrainConfig())
    for scale, normalised in ((50.0, False), (0.005, True)):  # a plain run, and a normalised one
        history = [
            dataclasses.replace(base, epoch=e, grad_var=scale * (1 + e / 10), normalize_advantages=normalised)
            for e in range(1, 11)
        ]
        workspace.keep(workspace.new_run(history, TrainConfig(normalize_advantages=normalised), "settings"))
    plots = TrainingPlots(workspace)
    qtbot.addWidget(plots)
    plots.resize(900, 800)
    plots.show()
    plots.redraw()
    diagnostics = plots.diagnostics
    assert diagnostics.field == "grad_var"
    (_, _), (y0, y1) = diagnostics.plot.viewRange()
    assert y1 >= 100 and (0.01 - y0) / (y1 - y0) < 0.001  # linear: the small run is a line at 0
    diagnostics.findChild(QWidget, "diagnosticsLogCheck").click()
    (_, _), (y0, y1) = diagnostics.plot.viewRange()  # log10 of the values
    assert y0 <= np.log10(0.005) and y1 >= np.log10(100) and y1 - y0 <= 6  # both runs whole, readable
    diagnostics.findChild(QWidget, "diagnosticsLogCheck").click()
    (_, _), (y0, y1) = diagnostics.plot.viewRange()
    assert y0 == 0 and 100 <= y1 <= 200  # back to linear, grown from the data again


def test_pace_holds_epochs_back_as_asked_and_keys_change_it(qtbot, window):
    import time

    pace = window.findChild(QWidget, "paceCombo")
    assert pace.currentText() == "pace: fastest"
    window.activateWindow()
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Minus)
    QTest.keyClick(window, Qt.Key.Key_Minus)
    assert pace.currentText() == "pace 2 epochs/s"
    QTest.keyClick(window, Qt.Key.Key_Plus)
    assert pace.currentText() == "pace 5 epochs/s"
    arrived = []
    window.workspace.epoch_added.connect(lambda _stats: arrived.append(time.monotonic()))
    window.train_button.click()
    qtbot.waitUntil(lambda: len(arrived) >= 4, timeout=30000)
    window.train_button.click()  # pause
    # At most 5 epochs a second: epoch k starts 0.2 s after epoch k-1 started, so epochs 2 to 4
    # arrive at least 2 x 0.2 s apart, less a little for when each signal was handled (a lower
    # bound: a slow machine only makes it longer). Not from epoch 1: its first-epoch warm-up makes
    # it arrive late, which shortens the wait after it (without the pace all four come in ~0.05 s).
    assert arrived[3] - arrived[1] >= 0.35
