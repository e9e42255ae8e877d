"""The race (Run > Race...), driven as a lecturer would: the dialog, the lanes, their own
controls, the end of the race, closing mid-race, presentation mode and the race GIF."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as imageio
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QWidget

from vpg_gui.algo.remote import start_server
from vpg_gui.algo.trainer import Trainer
from vpg_gui.config import TrainConfig
from vpg_gui.qt.views.render import FrameView


def untimed(stats):
    """An epoch's figures but its wall-clock ones, which two runs of one setting never share."""
    return dataclasses.replace(stats, seconds=0.0, steps_per_s=0.0)


RACE_OF_THREE = (("episode-return", "none"), ("reward-to-go", "none"), ("reward-to-go", "value"))


@pytest.fixture
def forkserver_up():
    """The fork server started before a test counts processes: it outlives windows by design."""
    start_server()


def lanes_of(window):
    view = window.findChild(QWidget, "raceView")
    return [view.findChild(QWidget, f"raceLane{i}") for i in range(4) if view.findChild(QWidget, f"raceLane{i}")]


def start_from_dialog(qtbot, window, change=None):
    window.findChild(type(window.race.race_action), "raceAction").trigger()
    dialog = window.findChild(QDialog, "raceDialog")
    qtbot.waitUntil(dialog.isVisible)
    if change is not None:
        dialog.findChild(QLineEdit, "raceChange1").setText(change)
    return dialog


def test_a_race_from_the_dialog_runs_in_lock_step_and_its_lanes_become_kept_runs(
    qtbot, window, forkserver_up, live_descendants
):
    before = live_descendants()
    dialog = start_from_dialog(qtbot, window)
    assert dialog.findChild(QLineEdit, "raceChange1").text() == "weighting=reward-to-go"
    dialog.findChild(QPushButton, "raceStartButton").click()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "raceView") is not None)
    race = window.workspace.race
    spread = []
    race.epoch_added.connect(
        lambda *_: spread.append(max(la.epoch for la in race.lanes) - min(la.epoch for la in race.lanes))
    )
    assert len(lanes_of(window)) == 2 and not window.train_button.isEnabled()
    qtbot.waitUntil(lambda: min(lane.epoch for lane in race.lanes) >= 3, timeout=60000)
    assert max(spread) <= 1  # no lane two epochs ahead of the other
    # Each lane plays its newest policy, its epoch on the frame.
    frame = lanes_of(window)[1].findChild(FrameView)
    qtbot.waitUntil(lambda: frame.text.startswith("lane 2: epoch ") and not frame.text.startswith("lane 2: epoch 0"))

    # Lane 2's hot change: a marker on lane 2's run only.
    lane2 = lanes_of(window)[1]
    lane2.findChild(QWidget, "lrSpin").setValue(0.05)
    marked = race.lanes[1].epoch + 1
    qtbot.waitUntil(lambda: bool(race.lanes[1].run.markers()), timeout=60000)
    assert race.lanes[1].run.markers()[0][0] >= marked and race.lanes[0].run.markers() == []
    runs = [lane.run for lane in race.lanes]

    window.findChild(QPushButton, "raceEndButton").click()
    qtbot.waitUntil(lambda: window.workspace.race is None, timeout=10000)
    assert window.findChild(QWidget, "raceView") is None and window.render_panel.isVisible()
    assert all(run in window.workspace.kept and run.history for run in runs)
    labels = dict((item.number, text) for item, text in window.workspace.listed())
    assert labels[runs[0].number] != labels[runs[1].number]
    assert "reward-to-go" in labels[runs[1].number]
    qtbot.waitUntil(lambda: not live_descendants() - before)  # every lane's process has ended
    for run in runs:  # each lane trained as vpg-train would with its settings and seed (timings aside)
        alone = Trainer(run.config)
        history = []
        try:
            for stats in run.history:  # lane 2's hot change, where it took effect
                alone.apply(alone.config.replace(lr=stats.lr, weighting=stats.weighting))
                history.append(alone.train_epoch())
        finally:
            alone.close()
        assert [untimed(s) for s in history] == [untimed(s) for s in run.history]
    window.workspace.select(runs[0].number, 1)  # time travel works on a lane as on any run
    assert window.workspace.selected().run is runs[0]


def test_a_finished_race_is_kept_in_a_session(qtbot, open_window, tmp_path):
    window = open_window()
    weightings = ("episode-return", "reward-to-go")
    window.race.start([TrainConfig(batch_steps=300, epochs=2, seed=1, weighting=w) for w in weightings])
    qtbot.waitUntil(lambda: all(lane.epoch == 2 for lane in window.workspace.race.lanes), timeout=60000)
    window.race.end()
    qtbot.waitUntil(lambda: window.workspace.race is None, timeout=10000)
    path = tmp_path / "race.vpgsession"
    window.files.save_session_file(path)
    qtbot.waitUntil(path.exists, timeout=10000)
    again = open_window()
    assert again.files.open_session_file(path)
    labels = [label for _, label in again.workspace.listed()]
    assert any("reward-to-go" in label for label in labels) and any("episode-return" in label for label in labels)
    lane = next(run for run in again.workspace.kept if run.config.weighting == "reward-to-go")
    assert len(lane.history) == 2 and sorted(lane.snapshots) == [1, 2]  # its curves and its policies, for time travel


def test_return_in_the_dialog_starts_the_race_whatever_was_clicked_before(qtbot, window):
    dialog = start_from_dialog(qtbot, window)
    add = dialog.findChild(QPushButton, "raceAddLane")
    QTest.mouseClick(add, Qt.MouseButton.LeftButton)  # a third lane; the focus is on Add lane now
    QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace.race is not None)
    assert len(window.workspace.race.lanes) == 3 and not dialog.isVisible()
    window.race.end()
    qtbot.waitUntil(lambda: window.workspace.race is None, timeout=10000)


def test_a_bad_lane_is_named_inline_and_start_waits(qtbot, window):
    dialog = start_from_dialog(qtbot, window, change="lr=-1")
    error = dialog.findChild(QLabel, "raceError")
    assert error.isVisible() and "Lane 2" in error.text() and "lr" in error.text()
    assert not dialog.findChild(QPushButton, "raceStartButton").isEnabled()
    dialog.findChild(QLineEdit, "raceChange1").setText("weighting=reward-to-go,seed=4")
    assert not error.isVisible() and dialog.findChild(QPushButton, "raceStartButton").isEnabled()
    dialog.reject()


def test_closing_the_window_mid_race_leaves_no_process(qtbot, open_window, forkserver_up, live_descendants):
    window = open_window()
    before = live_descendants()
    window.race.start([TrainConfig(batch_steps=200_000, seed=s) for s in (1, 2, 3)])
    qtbot.waitUntil(lambda: len(live_descendants() - before) >= 3, timeout=30000)
    started = live_descendants() - before
    window.close()
    assert window.jobs.running() == [] and not started & live_descendants()


def race_on_a_screen(tmp_path, width, height, lanes, mode, gif=None) -> dict:
    """What race_on_a_screen.py measured of a race in a window on a ``width`` x ``height`` screen."""
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    script = Path(__file__).with_name("race_on_a_screen.py")
    argv = [sys.executable, str(script), str(width), str(height), str(lanes), mode, *([str(gif)] if gif else [])]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["window"] == [width, height] and seen["trained"] and seen["written"]
    view = seen["view"]
    assert all(x + w <= view[2] and y + h <= view[3] for x, y, w, h in seen["lanes"])  # no lane cut off
    return seen


@pytest.mark.parametrize("width, height, lanes", [(1024, 600, 2), (1500, 860, 3), (1920, 1080, 4)])
def test_every_lane_and_the_plots_fit_at_each_window_size(tmp_path, width, height, lanes):
    seen = race_on_a_screen(tmp_path, width, height, lanes, "normal")
    tops = sorted({y for _, y, _, _ in seen["lanes"]})
    assert len(tops) == (1 if lanes == 2 else 2)  # two side by side; three or four in a 2x2 grid
    assert all(w >= 150 and h >= 60 for w, h in seen["frames"])
    assert seen["plot_data_area"][0] >= 300 and seen["plot_data_area"][1] >= 120  # the plots keep their room


def test_three_lanes_in_presentation_mode_at_1920x1080(tmp_path):
    gif = tmp_path / "race.gif"
    seen = race_on_a_screen(tmp_path, 1920, 1080, 3, "presentation", gif)
    assert all(w >= 300 and h >= 150 for w, h in seen["frames"])  # each lane's episode, large enough to see
    (x0, y0, _, _), (x1, y1, _, _), (x2, y2, _, _) = seen["lanes"]
    assert y0 == y1 < y2 and x0 == x2 < x1  # a 2x2 grid: lanes 1 and 2 side by side, lane 3 below lane 1
    assert seen["smallest_text_px"] >= 22 and seen["frame_text_px"] >= 22
    assert seen["plot_data_area"][0] >= 300 and seen["plot_data_area"][1] >= 120  # the race's status never narrows them
    first = imageio.mimread(gif, memtest=False)[0]  # the race as one GIF: the lanes side by side
    assert first.shape[1] == 3 * 600


@pytest.mark.parametrize("length", [0.5, 1.2])
def test_a_lanes_cartpole_painted_as_shapes_looks_as_gymnasiums_frame(qtbot, length):
    import gymnasium as gym
    import numpy as np

    from vpg_gui.playback.cartpole_scene import cartpole_scene

    env = gym.make("CartPole-v1", render_mode="rgb_array")
    env.unwrapped.length = length
    env.reset(seed=3)
    for action in (1, 1, 1, 0, 1, 1):
        env.step(action)
    frame = env.render()
    x, _, theta, _ = env.unwrapped.state
    env.close()
    view = FrameView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show_scene(cartpole_scene(float(x), float(theta), length), "")
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    painted = (
        np.frombuffer(image.constBits(), np.uint8).reshape(400, image.bytesPerLine())[:, :1800].reshape(400, 600, 3)
    )
    differs = np.abs(painted.astype(int) - frame.astype(int)).max(axis=2) > 80
    assert differs.mean() < 0.003  # only edges' antialiasing differs
    assert (frame != 255).any(axis=2).sum() > 2000  # the frame has a cart and a pole to compare
