"""Time travel (any epoch's policy on screen) and the update inspector, driven as a user would."""

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QWidget

from vpg_gui.playback.policy_view import cartpole_heatmap
from vpg_gui.qt.views.policy_views import DOT_COLORS, DOT_GRID
from vpg_gui.qt.views.update_inspector import batch_grid


def dot_pixel(heatmap, angle_rad: float, velocity: float):
    """The colour of the batch layer's pixel where a step at (pole angle, angular velocity) is drawn."""
    rect = heatmap.dots.mapRectToParent(heatmap.dots.boundingRect())
    col = round((np.degrees(angle_rad) - rect.left()) / rect.width() * (DOT_GRID - 1))
    row = round((velocity - rect.top()) / rect.height() * (DOT_GRID - 1))
    return heatmap.dots.image[row, col]


def caption(window) -> str:
    return window.findChild(QLabel, "policyCaption").text()


def click_curve(qtbot, window, epoch: int, run=None):
    """A left click on the return plot's curve of ``run`` (the live one) at ``epoch``."""
    run = run or window.workspace.live
    plot = window.plots.return_plot
    y = run.history[epoch - 1].return_mean
    qtbot.waitUntil(lambda: plot.getViewBox().viewRange()[0][1] >= epoch)
    where = plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(epoch, y)))
    QTest.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_clicking_a_curve_shows_that_epochs_policy_and_keys_step_and_follow(qtbot, window, step):
    window.render_panel.play_button.click()
    step(window, 3)
    live = window.workspace.live
    assert caption(window) == "epoch 3 (latest)"
    follow = window.findChild(QPushButton, "followLatestButton")
    assert not follow.isEnabled()

    click_curve(qtbot, window, 1)
    qtbot.waitUntil(lambda: caption(window).startswith("epoch 1 of run '"))
    assert follow.isEnabled()
    player = window.render_panel.player
    assert player.policy is live.snapshots[1]  # the episode on screen restarted with it
    obs = player.obs[None].astype(np.float32)
    assert np.allclose(window.render_panel.action_probs.probs, live.snapshots[1].probs(obs)[0])
    qtbot.waitUntil(lambda: window.render_panel.heatmap.grid is not None)
    qtbot.waitUntil(lambda: np.array_equal(window.render_panel.heatmap.grid, cartpole_heatmap(live.snapshots[1])))
    cursor = window.plots.cursor
    assert cursor.objectName() == "epochCursor" and cursor.isVisible() and cursor.value() == 1

    QTest.keyClick(window, Qt.Key.Key_BracketRight)
    assert caption(window).startswith("epoch 2 of run '") and cursor.value() == 2
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)  # stays at the first epoch
    assert caption(window).startswith("epoch 1 of") and window.render_panel.player.policy is live.snapshots[1]
    step(window)  # training goes on; the selection stays
    assert caption(window).startswith("epoch 1 of")
    QTest.keyClick(window, Qt.Key.Key_L)
    assert caption(window) == "epoch 4 (latest)" and not follow.isEnabled() and cursor.value() == 4


def test_dragging_the_epoch_cursor_selects_the_epoch_under_it(qtbot, window, step):
    step(window, 3)
    cursor, plot = window.plots.cursor, window.plots.return_plot
    view = plot.getViewBox()
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= 3)
    y = float(np.mean(view.viewRange()[1]))

    def at(epoch):
        return plot.mapFromScene(view.mapViewToScene(QPointF(epoch, y)))

    QTest.mousePress(plot.viewport(), Qt.MouseButton.LeftButton, pos=at(3))
    for x in (2.8, 2.4, 2.0, 1.6):  # held down: Qt's mouse-move events carry the button
        event_pos = at(x)
        QTest.mouseMove(plot.viewport(), event_pos)
    QTest.mouseRelease(plot.viewport(), Qt.MouseButton.LeftButton, pos=at(1.6))
    qtbot.waitUntil(lambda: caption(window).startswith("epoch 2 of run '"))
    assert cursor.value() == 2


def test_same_start_replays_every_episode_from_one_state(qtbot, window, step):
    step(window)
    panel = window.render_panel
    panel.findChild(QCheckBox, "sameStartCheck").setChecked(True)
    panel.findChild(QComboBox, "speedCombo").setCurrentIndex(4)  # 4x
    panel.play_button.click()
    first = panel.player.obs.copy()
    seeds = {panel.player.episode_seed}
    qtbot.waitUntil(lambda: panel.player.steps == 0 and panel.player.episode_seed in seeds and len(seeds) == 1)
    click_curve(qtbot, window, 1)  # a new episode starts at once
    assert np.array_equal(panel.player.obs, first)


def test_the_inspector_shows_the_batches_weights_what_the_update_did_and_what_if(qtbot, window, step, tmp_path):
    step(window, 2)
    QTest.keyClick(window, Qt.Key.Key_U)
    inspector = window.findChild(QWidget, "updateInspector")
    qtbot.waitUntil(inspector.isVisible)
    record = window.workspace.live.records[2]
    weights = inspector.findChild(QWidget, "weightsImage")
    order = np.argsort(-record.returns, kind="stable")
    assert np.array_equal(weights.image.image, batch_grid(record, record.weights, order), equal_nan=True)
    delta = inspector.findChild(QWidget, "deltaLogpImage")  # drawn in the next turns of the event loop
    expected_delta = batch_grid(record, record.delta_logp, order)
    qtbot.waitUntil(lambda: np.array_equal(delta.image.image, expected_delta, equal_nan=True))
    assert "R(tau)" in weights.getPlotItem().titleLabel.text
    scatter = inspector.findChild(QWidget, "weightScatter")
    qtbot.waitUntil(lambda: f"slope {record.slope():.3g}" in inspector.fit_text.toPlainText())
    assert scatter is not None
    formula = inspector.findChild(QLabel, "updateFormula").text()
    assert f"{len(record.lengths)} episodes" in formula and "not" in formula
    assert f"gradient variance {record.gradient_variance():.3g}" in formula

    what_if = inspector.findChild(QComboBox, "whatIfCombo")
    what_if.setCurrentText("reward-to-go")
    expected = batch_grid(record, record.what_if("reward-to-go"), order)
    assert np.array_equal(weights.image.image, expected, equal_nan=True)
    assert not np.array_equal(expected, batch_grid(record, record.weights, order), equal_nan=True)
    what_if_variance = record.gradient_variance(record.what_if("reward-to-go"))
    assert f"what if: {what_if_variance:.3g}" in inspector.findChild(QLabel, "updateFormula").text()
    assert not what_if.model().item(what_if.findText("GAE advantage (this value net)")).isEnabled()

    # As a slide: 1920x1080, or vectors; the what-if shown is the one exported.
    assert window.files.export_inspector_file(tmp_path / "u.png") and window.files.export_inspector_file(
        tmp_path / "u.svg"
    )
    assert QImage(str(tmp_path / "u.png")).size().toTuple() == (1920, 1080)
    assert "reward-to-go (what if" in (tmp_path / "u.svg").read_text()

    click_curve(qtbot, window, 1)  # another epoch: the inspector follows the selection
    qtbot.waitUntil(lambda: inspector.record is window.workspace.live.records[1])

    # A click on a row plays that episode of the batch, from its recorded start, weights under it.
    best = int(np.argmax(window.workspace.live.records[1].returns))  # the top row: sorted by return
    top = weights.mapFromScene(weights.getViewBox().mapViewToScene(QPointF(0.5, 0.5)))
    QTest.mouseClick(weights.viewport(), Qt.MouseButton.LeftButton, pos=top)
    text = window.render_panel.view.text
    assert text.startswith(f"batch episode {best + 1} of epoch 1") and "weight Φ" in text


def test_a_session_keeps_every_runs_policies_for_time_travel(qtbot, window, open_window, step, tmp_path):
    step(window, 2)
    window.reset_button.click()
    step(window, 1)
    kept = window.workspace.kept[0]
    window.files.save_session_file(tmp_path / "s.vpgsession")
    qtbot.waitUntil(lambda: window.windowTitle().startswith("s.vpgsession - "), timeout=30000)
    again = open_window()
    assert again.files.open_session_file(tmp_path / "s.vpgsession")
    (reopened,) = again.workspace.kept
    assert sorted(reopened.snapshots) == [1, 2]
    for a, b in zip(reopened.snapshots[1].layers, kept.snapshots[1].layers, strict=True):
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    click_curve(qtbot, again, 1, reopened)
    qtbot.waitUntil(lambda: caption(again).startswith("epoch 1 of run '"))
    assert again.workspace.selected().snapshot is reopened.snapshots[1]


def test_the_heatmap_draws_the_batch_and_the_change_its_update_made(qtbot, window, step):
    step(window, 2)
    live, panel = window.workspace.live, window.render_panel
    heatmap, record = panel.heatmap, live.records[2]
    qtbot.waitUntil(lambda: heatmap.dots.image is not None)  # drawn with the map, at most every 0.5 s
    best = np.argmax(np.abs(record.weights))  # the strongest weight: drawn on top, in the scale's end colour
    end = 255 if record.weights[best] > 0 else 0
    assert np.array_equal(dot_pixel(heatmap, *record.obs[best, 2:4]), DOT_COLORS[end])
    painted = heatmap.dots.image[..., 3] > 0
    assert (
        painted.sum() >= 9 * len(np.unique(np.round(record.obs[:, 2:4], 2), axis=0)) // 4
    )  # a 3x3 dot per step, some overlap
    change = panel.findChild(QCheckBox, "changeMapCheck")
    assert change.isEnabled()  # epoch 1's policy, the one before epoch 2's update, is kept
    change.setChecked(True)
    expected = cartpole_heatmap(live.snapshots[2]) - cartpole_heatmap(live.snapshots[1])
    qtbot.waitUntil(lambda: heatmap.grid is not None and np.allclose(heatmap.grid, expected))
    panel.findChild(QCheckBox, "batchPathsCheck").setChecked(False)
    assert heatmap.dots.image is None
    click_curve(qtbot, window, 1)  # epoch 1: the policy before it is the record's (the initial one)
    first = live.records[1]
    qtbot.waitUntil(
        lambda: np.allclose(heatmap.grid, cartpole_heatmap(live.snapshots[1]) - cartpole_heatmap(first.before()))
    )


def test_in_presentation_mode_the_inspectors_plots_keep_room_at_1920x1080(qtbot, window, step):
    step(window)
    window.resize(1920, 1080)
    QTest.keyClick(window, Qt.Key.Key_U)
    window.presentation_action.trigger()
    inspector = window.findChild(QWidget, "updateInspector")
    for name in ("weightsImage", "deltaLogpImage", "weightScatter"):
        plot = inspector.findChild(QWidget, name)
        qtbot.waitUntil(lambda plot=plot: plot.height() >= 180)
    for label in inspector.findChildren(QLabel):
        assert label.font().pixelSize() >= 22, label.objectName()
    window.presentation_action.trigger()
