import os
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest

from vpg_gui.config import TrainConfig
from vpg_gui.qt.main_window import MainWindow


@pytest.fixture
def fast():
    """Small batches, no epoch limit, a fixed seed: a window that trains an epoch in a blink."""
    return TrainConfig(batch_steps=500, epochs=0, seed=1)


@pytest.fixture(autouse=True)
def private_settings(tmp_path, qapp, monkeypatch):
    """Each test gets its own settings file and data directory (settings, layout, autosave):
    yields the folder of the settings file (``vpg-gui-tests.toml``)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    qapp.setOrganizationName("vpg-gui-tests")
    qapp.setApplicationName("vpg-gui-tests")
    yield tmp_path / "config" / "vpg-gui-tests"


@pytest.fixture
def open_window(qtbot, fast):
    """open_window(config=fast): a shown MainWindow (None: the settings of last time), closed at
    the test's end if the test did not close it; no window's thread may outlive its test."""
    opened = []

    def open_(config=fast):
        win = MainWindow(config)
        qtbot.addWidget(win)
        win.show()
        opened.append(win)
        return win

    yield open_
    for win in opened:
        win.close()
        assert win.jobs.running() == []


@pytest.fixture
def window(open_window):
    return open_window()


@pytest.fixture
def step(qtbot):
    """step(window, n): press Step n times, each time waiting for the epoch and its redraw."""

    def run(window, n=1):
        for _ in range(n):
            target = len(window.history) + 1
            window.step_button.click()
            qtbot.waitUntil(lambda t=target: len(window.history) >= t and window.workspace.quiet, timeout=30000)
        qtbot.waitUntil(lambda: len(live_curve(window)[0]) == len(window.history))

    return run


@pytest.fixture
def vertical_lines():
    """vertical_lines(plot): the change markers drawn on a pyqtgraph plot (every run's), as pyqtgraph holds them."""

    def lines(plot) -> list[pg.InfiniteLine]:
        lines = [i for i in plot.getPlotItem().items if isinstance(i, pg.InfiniteLine) and i.angle == 90]
        return [line for line in lines if line.objectName() != "epochCursor"]

    return lines


def live_curve(window) -> tuple[np.ndarray, np.ndarray]:
    """The live run's curve on the return plot (epochs, mean returns), as pyqtgraph holds it."""
    x, y = window.plots.mean_curve.getData()
    return (np.array([]), np.array([])) if x is None else (x, y)


@pytest.fixture
def drawn_curve():
    """drawn_curve(window): the live run's curve on the return plot, (epochs, mean returns)."""
    return live_curve


@pytest.fixture
def live_descendants():
    """live_descendants(): the pids of this process's descendants that are still running (not
    zombies): the training processes, a sweep's driver and its Ray (raylet, workers)."""

    def alive() -> set[int]:
        parents, states = {}, {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:  # it ended meanwhile
                continue
            fields = text[text.rindex(")") + 2 :].split()
            pid = int(stat.parent.name)
            states[pid], parents[pid] = fields[0], int(fields[1])
        found, frontier = set(), {os.getpid()}
        while frontier:
            frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
            found |= frontier
        return {pid for pid in found if states[pid] != "Z"}

    return alive
