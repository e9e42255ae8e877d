"""What the class sees: every run whole in every plot at 1024x600, 1500x860 and 1920x1080, the
runs named in a list beside the plots (never a legend that widens them), slides that are 16:9
with one text size, presentation mode's text and layout, and a pace a lecturer can narrate."""

import math
import re

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.config import TrainConfig
from vpg_gui.model.runs import Workspace
from vpg_gui.qt.views.export import LEGEND_SHARE, write_plots
from vpg_gui.qt.views.plots import TrainingPlots
from vpg_gui.qt.views.run_colors import LIVE_COLOR

LONGEST = 150
# window size -> the least data area of the return plot (the figures; 1920x1080 as 1500x860)
SIZES = [((1024, 600), (300, 120)), ((1500, 860), (500, 200)), ((1920, 1080), (500, 200))]


def history(n: int, top: float, lr: float, grad_var: float = 0.05) -> list[EpochStats]:
    rows = []
    for k in range(1, n + 1):
        r = 20 + top * (1 - math.exp(-k / 30))
        rows.append(
            EpochStats(k, r, 5, r / 2, r * 1.4, r, 20, 5000, 3.1, 0.69, lr, 5000, 0.99, "reward-to-go", 0.05, 1e5,
                       grad_var=grad_var * k)
        )  # fmt: skip
    return rows


def keep_long_runs(workspace: Workspace) -> None:
    """Four kept runs whose labels are long (each differs in five settings), and a seed band."""
    for i, n in enumerate((LONGEST, 120, 90, 60)):
        config = TrainConfig(lr=(0.01, 0.3, 0.05, 0.002)[i], batch_steps=1000 + 777 * i, hidden_sizes=(64, 64 + i),
                             gamma=0.99, seed=i, weighting="reward-to-go")  # fmt: skip
        workspace.keep(workspace.new_run(history(n, 200 + 60 * i, config.lr), config, "settings"))
    group = workspace.add_seed_group(TrainConfig(lr=0.02), (1, 2, 3))
    for seed in group.seeds:
        for stats in history(80, 250 + 20 * seed, 0.02):
            workspace.add_seed_epoch(group, seed, stats)


def fits(plot) -> bool:
    """The plot's drawing is no wider than its widget (the bug: a legend or title widened it)."""
    return plot.getPlotItem().sceneBoundingRect().width() <= plot.width() + 1


@pytest.mark.parametrize(("size", "least"), SIZES)
def test_every_plot_shows_every_run_whole_at_each_window_size(qtbot, window, size, least):
    window.showNormal()
    window.resize(*size)
    keep_long_runs(window.workspace)
    plots = window.plots
    view = plots.return_plot.getViewBox()
    qtbot.waitUntil(lambda: window.size().toTuple() == size and view.viewRange()[0][1] >= LONGEST)
    (x0, x1), _ = view.viewRange()
    assert x0 <= 1 and LONGEST <= x1 < LONGEST * 1.05  # the longest run's last epoch, not a round 200
    assert view.width() >= least[0] and view.height() >= least[1]
    axis = plots.return_plot.getAxis("left").width()
    assert view.width() >= plots.width() - axis - 30  # the column's width, less the axis
    for plot in (plots.return_plot, plots.length_plot, plots.diagnostics.plot):
        assert fits(plot) and plot.isVisible()
    # The run list elides: its long labels set no width (the plots' column is as wide as before).
    widths = (window.run_list.width(), plots.width())
    window.run_list.item(1).setText("a label far longer than any column " * 10)
    QApplication.processEvents()
    assert (window.run_list.width(), plots.width()) == widths
    assert window.run_list.fontMetrics().horizontalAdvance(window.run_list.labels()[1]) > window.run_list.width()


def test_the_run_list_shows_hides_removes_and_highlights_runs(qtbot, window):
    ws = window.workspace
    keep_long_runs(ws)
    runs = window.run_list
    assert runs.labels() == ws.labels()  # the live run, the four kept runs, the seed group: the model's labels
    longest = ws.kept[0]
    row = runs.item(1)
    assert row.data(Qt.ItemDataRole.UserRole) == longest.number
    row.setCheckState(Qt.CheckState.Unchecked)  # as a click on its box does
    assert not ws.shown(longest) and not window.plots.kept_curves()[0].isVisible()
    view = window.plots.return_plot.getViewBox()
    assert 120 <= view.viewRange()[0][1] < 130  # the longest shown run is now the 120-epoch one
    # Hovering a row draws its run thick.
    second = window.plots.kept_curves()[1]
    thin = second.opts["pen"].widthF()
    center = QPointF(runs.visualItemRect(runs.item(2)).center())
    move = QMouseEvent(QEvent.Type.MouseMove, center, runs.viewport().mapToGlobal(center), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(
        runs.viewport(), move
    )  # the pointer over the row (qtbot.mouseMove moves no pointer offscreen)
    qtbot.waitUntil(lambda: second.opts["pen"].widthF() > thin)
    # Delete removes the selected kept run; the live run can only be hidden.
    runs.setFocus()
    runs.setCurrentRow(2)
    qtbot.keyClick(runs, Qt.Key.Key_Delete)
    assert [r.number for r in ws.kept] == [longest.number, *(r.number for r in ws.kept[1:])]
    assert len(ws.kept) == 3 and runs.count() == 5
    runs.setCurrentRow(0)
    assert not runs.remove_action.isEnabled()
    qtbot.keyClick(runs, Qt.Key.Key_Delete)
    assert runs.count() == 5


def wheel(widget) -> None:
    center = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(center, widget.mapToGlobal(center), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(widget.viewport(), event)


def test_zooming_stops_the_fit_until_auto_or_key_a(qtbot, window):
    keep_long_runs(window.workspace)
    plots = window.plots
    view = plots.return_plot.getViewBox()
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= LONGEST)
    with qtbot.waitSignal(plots.fitted) as fitted:
        wheel(plots.return_plot)
    assert fitted.args == [False] and plots.auto_button.isVisible()
    zoomed = view.viewRange()[0]
    assert zoomed[1] - zoomed[0] < LONGEST
    window.workspace.keep(window.workspace.new_run(history(200, 300, 0.01), TrainConfig(seed=9), "settings"))
    assert view.viewRange()[0] == zoomed  # the user's view stays while runs come and go
    window.activateWindow()
    with qtbot.waitSignal(plots.fitted):
        window.fit_action.trigger()  # key A
    assert view.viewRange()[0][1] >= 200 and not plots.auto_button.isVisible()
    wheel(plots.return_plot)
    plots.auto_button.click()
    assert plots.fitting and view.viewRange()[0][1] >= 200


def svg_ticks(svg: str) -> list[tuple[float, float, float, float]]:
    """(x, y, font px, value) of each number drawn in an SVG QSvgGenerator wrote."""
    ticks = []
    for group in re.finditer(r'<g [^>]*transform="matrix\(1,0,0,1,([-\d.]+),([-\d.]+)\)"[^>]*>(.*?)</g>', svg, re.S):
        tx, ty = float(group.group(1)), float(group.group(2))
        number = r'<text [^>]*x="([-\d.]+)" y="([-\d.]+)"[^>]*font-size="(\d+)"[^>]*>\s*([-\d.]+)</text>'
        for text in re.finditer(number, group.group(3)):
            x, y, px, value = (float(v) for v in text.groups())
            ticks.append((tx + x, ty + y, px, value))
    return ticks


def test_an_export_is_a_16_9_slide_with_every_run_whole_and_one_text_size(qtbot, tmp_path):
    ws = Workspace(TrainConfig())
    ws.begin(ws.live.settings)
    for stats in history(LONGEST, 300, 0.01):
        ws.add_epoch(stats, None)
    keep_long_runs(ws)
    plots = TrainingPlots(ws)
    qtbot.addWidget(plots)
    plots.set_env(475.0, 500)
    plots.resize(500, 900)  # the window's size does not matter to the slide
    plots.redraw()
    write_plots(plots, tmp_path / "slide.png")
    image = QImage(str(tmp_path / "slide.png"))
    assert image.size().toTuple() == (1920, 1080)
    # The live run (the longest) reaches the right end of the plots' column, left of the legend.
    column = 1920 * (1 - LEGEND_SHARE)
    live = [x for x in range(int(column)) for y in range(0, 480, 2) if image.pixelColor(x, y).name() == LIVE_COLOR]
    assert column * 0.95 < max(live) < column
    write_plots(plots, tmp_path / "slide.svg")
    svg = (tmp_path / "slide.svg").read_text()
    assert 'viewBox="0 0 1920 1080"' in svg
    ticks = [t for t in svg_ticks(svg) if t[0] < column]
    bands = [[t for t in ticks if lo <= t[1] < hi] for lo, hi in ((0, 463), (463, 771), (771, 1080))]
    assert all(bands) and {t[2] for t in ticks} == {22.0}  # every plot's numbers at one size
    for band in bands:  # the x axis's numbers: the lowest row of each plot, up to the longest run
        bottom = max(t[1] for t in band)
        x_ticks = [t[3] for t in band if t[1] == bottom]
        assert max(x_ticks) == 140 and len(x_ticks) >= 5
    write_plots(plots, tmp_path / "return.png", width=1280, which=("return",))
    assert QImage(str(tmp_path / "return.png")).size().toTuple() == (1280, 720)


def test_presentation_mode_restores_the_window_exactly_and_keeps_its_own_pace(qtbot, window):
    window.showNormal()
    window.setGeometry(40, 50, 1200, 760)
    qtbot.waitUntil(lambda: window.geometry().size().toTuple() == (1200, 760))

    def layout():
        return window.geometry(), window.splitter.sizes(), window.side.sizes(), window.run_list.font().pixelSize()

    before = layout()
    assert window.pace.currentData() == 0.0  # fastest, out of presentation
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: window.isFullScreen())
    assert window.pace.currentData() == 2.0  # presentation's own pace, slow enough to narrate
    window.set_pace(1.0)
    window.presentation_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    qtbot.waitUntil(lambda: layout() == before)  # as the window system gives the window its size back
    assert window.pace.currentData() == 0.0
    assert window.step_button.isVisible() and not window.stop_button.isEnabled()  # idle: nothing to stop
    window.presentation_action.trigger()
    assert window.pace.currentData() == 1.0  # remembered
    window.presentation_action.trigger()


def test_a_preset_sets_its_pace(qtbot, window):
    third = window.preset_combo.findText("3.", Qt.MatchFlag.MatchStartsWith)
    window.preset_combo.activated.emit(third)
    assert window.workspace.preset.pace == 2.0 and window.pace.currentData() == 2.0
    window.set_pace(0.0)


def test_the_sweep_dock_never_squeezes_the_return_plot(qtbot, window):
    window.showNormal()
    window.resize(1024, 600)
    dock = window.sweeps.dock
    dock.show()
    window.resizeDocks([dock], [500], Qt.Orientation.Vertical)  # as tall as the user drags it
    qtbot.waitUntil(lambda: dock.isVisible() and window.size().toTuple() == (1024, 600))
    QApplication.processEvents()
    view = window.plots.return_plot.getViewBox()
    assert view.height() >= 120 and view.width() >= 300
