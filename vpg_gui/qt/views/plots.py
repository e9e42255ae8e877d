"""The live plots, drawn from the run model (model/runs.py): mean return per epoch with its
min-max band and the solved line, mean episode length per epoch, and a diagnostic of the update
(diagnostics_plot.py). The live run is drawn solid; kept runs faded, each in its colour with its
change markers; seed groups as a mean +- std band. The plots hold no history: they keep only the
graphics items they made. They carry no legend: the run list (run_list.py) names the runs beside
them, so no label can widen a plot; an export draws its own legend (export.py).

Each plot shows every run the workspace shows, whole (x from the first epoch to the longest
run's last), until the user zooms or pans; ``fit_all`` (the "auto" button, key A) returns.

    plots = TrainingPlots(workspace)
    plots.set_env(475.0, 500)   # solved line and y ranges from the env's spec (None: none)
    plots.redraw_live()         # after each epoch: the live run's curves and markers
    plots.redraw()              # after the set of runs on screen changed: everything
    plots.set_smoothing(0.8)    # EMA of the mean curves; the band stays raw
    plots.set_highlight(3)      # run 3's curves drawn thick (a row of the run list is hovered)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from vpg_gui.model.runs import Run, SeedGroup, Workspace
from vpg_gui.qt.views.diagnostics_plot import DiagnosticsPlot
from vpg_gui.qt.views.plot_fonts import NORMAL_PX, PRESENTATION_PX, pixel_font, set_plot_fonts
from vpg_gui.qt.views.plot_ranges import grow_range, whole_x
from vpg_gui.qt.views.plot_title import clip_title
from vpg_gui.qt.views.run_colors import LIVE_COLOR, run_color

# Measured (benchmarks/bench_gui.py; figures in docs/performance.md): a pyqtgraph grid and a
# translucent fill made each repaint cost enough to make the GUI thread miss its timers; an
# opaque pale band and no grid repaint in a fraction of that.
BAND_BRUSH = pg.mkBrush("#d3e3f5")
LENGTH_COLOR = "#2e7d32"
MARKER_COLOR = "#8e24aa"
THRESHOLD_PEN = pg.mkPen("#c62828", width=1.5, style=Qt.PenStyle.DashLine)
CURSOR_PEN = pg.mkPen("#455a64", width=2, style=Qt.PenStyle.DotLine)
CURSOR_HOVER_PEN = pg.mkPen("#263238", width=4)
CLICK_WIDTH = 8  # px either side of a curve that a click on it still selects its epoch
BAND_POINTS = 400  # the min-max band is drawn from at most this many points
# The return plot's least height: its data area stays >= 120 px whatever takes the window's height
# (a 600 px screen, the Sweep dock).
RETURN_MIN_HEIGHT = 200
HIGHLIGHT = 2.5  # line width factor of the run whose row in the run list is hovered or selected
TITLES = {  # plot -> (title, in presentation mode)
    "returnPlot": ("Mean return per epoch (band: min to max)", "Mean return"),
    "lengthPlot": ("Mean episode length per epoch", "Episode length"),
}
# A change marker's label goes to the highest height (a fraction of the plot, from the bottom)
# between these where it covers no other label (nor "solved"), one label's height apart, so close
# changes stack downwards; one with no room left there shows no text.
LABEL_TOP, LABEL_LOWEST = 0.96, 0.3


def _plot(name: str, title: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(name)  # PlotWidget hands its keyword arguments to its PlotItem, not to Qt
    clip_title(plot)
    plot.setTitle(title, color="#222", size="12pt")
    plot.setLabel("bottom", "epoch")
    plot.setLabel("left", y_label)
    plot.hideButtons()  # pyqtgraph's "A" would autoscale to its own idea of the range: fit_all does ours
    plot.disableAutoRange()
    plot.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    return plot


def _curve(plot: pg.PlotWidget, pen) -> pg.PlotDataItem:
    curve = plot.plot([], [], pen=pen)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


def ema(values: np.ndarray, smoothing: float) -> np.ndarray:
    """Exponential moving average; smoothing 0 returns the values as they are.

    >>> ema(np.array([0.0, 10.0, 10.0]), 0.5).tolist()
    [0.0, 5.0, 7.5]
    """
    if smoothing <= 0 or len(values) == 0:
        return values
    out = np.empty_like(values)
    acc = values[0]
    for i, v in enumerate(values):  # a few thousand points at most, at <= 10 redraws a second
        acc = smoothing * acc + (1 - smoothing) * v
        out[i] = acc
    return out


def _envelope(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, points: int = BAND_POINTS):
    """At most ``points`` points for the band, each the min / max of a run of epochs: a long
    run's band looks the same and rebuilding its filled path stays cheap.

    >>> _envelope(np.arange(6.0), np.arange(6.0), np.arange(6.0) + 1, points=3)[1:]
    (array([0., 2., 4.]), array([2., 4., 6.]))
    """
    step = -(-len(x) // points)  # ceil
    if step <= 1:
        return x, lo, hi
    pad = -len(x) % step
    lo_p = np.concatenate([lo, np.full(pad, lo[-1])]).reshape(-1, step).min(axis=1)
    hi_p = np.concatenate([hi, np.full(pad, hi[-1])]).reshape(-1, step).max(axis=1)
    return x[::step], lo_p, hi_p


@dataclass
class _Markers:
    """The vertical lines of one run's hot changes, on the return and the length plot."""

    lines: dict[int, tuple[pg.InfiniteLine, pg.InfiniteLine]] = field(default_factory=dict)


@dataclass
class _KeptItems:
    run: Run
    curves: tuple[pg.PlotDataItem, pg.PlotDataItem]  # on the return and the length plot
    markers: _Markers
    drawn: tuple[int, float] = (-1, 0.0)  # (epochs, smoothing) the curves show: a race's lanes grow, the rest do not


@dataclass
class _GroupItems:
    group: SeedGroup
    mean: pg.PlotDataItem
    lo: pg.PlotCurveItem
    hi: pg.PlotCurveItem
    band: pg.FillBetweenItem
    seeds: dict[int, pg.PlotDataItem] = field(default_factory=dict)  # each seed's own curve, thin


class TrainingPlots(QWidget):
    fitted = Signal(bool)  # True: every plot shows every run whole; False: the user zoomed or panned

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.return_plot = _plot("returnPlot", TITLES["returnPlot"][0], "return")
        self.return_plot.setMinimumHeight(RETURN_MIN_HEIGHT)
        self.length_plot = _plot("lengthPlot", TITLES["lengthPlot"][0], "steps")
        self.length_plot.setXLink(self.return_plot)
        self.diagnostics = DiagnosticsPlot()
        self.diagnostics.plot.setXLink(self.return_plot)
        self.diagnostics.changed.connect(self.redraw_diagnostics)
        layout.addWidget(self.return_plot, 3)
        layout.addWidget(self.length_plot, 2)
        layout.addWidget(self.diagnostics, 2)
        # Shown over the return plot's corner once the user zoomed or panned (not in the layout:
        # appearing, it moves nothing).
        self.auto_button = QPushButton("auto", self.return_plot, objectName="autoRangeButton", visible=False)
        self.auto_button.setToolTip("Show every run whole again (A)")
        self.auto_button.clicked.connect(self.fit_all)
        self.auto_button.move(4, 4)
        self.fitting = True  # False once the user zoomed or panned, until fit_all
        for plot in (self.return_plot, self.length_plot, self.diagnostics.plot):
            plot.getViewBox().sigRangeChangedManually.connect(self._on_manual_range)

        self._width = 1.0  # line width scale (presentation mode)
        self._styled = None  # what the pens were last set from (redraw)
        self._highlight: int | None = None  # the run (or seed group) number drawn thick
        self._text_px = NORMAL_PX  # marker and solved labels (presentation mode: larger)
        # The live run's mean curve is the plot's first data item (tests and scripts read it).
        self.mean_curve = _curve(self.return_plot, pg.mkPen(LIVE_COLOR, width=2))
        # PlotCurveItems, not PlotDataItems: a PlotDataItem without a pen builds no path to fill.
        self._band_lo = pg.PlotCurveItem(pen=None)
        self._band_hi = pg.PlotCurveItem(pen=None)
        self.band = pg.FillBetweenItem(self._band_lo, self._band_hi, brush=BAND_BRUSH)
        self.band.setZValue(-10)
        self.return_plot.addItem(self.band)
        self.threshold = pg.InfiniteLine(angle=0, pen=THRESHOLD_PEN, movable=False)
        self.threshold.label = pg.InfLineLabel(
            self.threshold, text="solved", position=0.1, anchors=[(0, 0), (0, 0)], color="#c62828"
        )
        self.return_plot.addItem(self.threshold)
        self.threshold.hide()
        self.length_curve = _curve(self.length_plot, pg.mkPen(LENGTH_COLOR, width=2))
        self._return_floor = self._length_floor = 10.0  # y ranges always reach these (set_env)
        self._env: tuple[float | None, int | None] = (None, None)  # set_env's arguments
        self.smoothing = 0.0
        self._live: Run | None = None  # the run the live items show
        self._live_markers = _Markers()
        self._kept: dict[int, _KeptItems] = {}  # run number -> its items
        self._groups: dict[int, _GroupItems] = {}  # seed group number -> its items
        self.return_plot.getViewBox().sigRangeChanged.connect(self._place_marker_labels)
        # Time travel: the epoch shown in the render panel and the inspector, dragged or set by a
        # click on any run's curve (the model's selection; this draws it).
        self.cursor = pg.InfiniteLine(angle=90, movable=True, pen=CURSOR_PEN, hoverPen=CURSOR_HOVER_PEN)
        self.cursor.setObjectName("epochCursor")
        self.cursor.setToolTip("The epoch whose policy is shown: drag it, or click a curve ([ and ] step it)")
        self.cursor.setZValue(20)
        self.cursor.hide()
        self.cursor.sigDragged.connect(self._cursor_dragged)
        self.return_plot.addItem(self.cursor, ignoreBounds=True)
        self._cursor_on = True  # an export's twin draws none
        for curve in (self.mean_curve, self.length_curve):
            self._clickable(curve, lambda: self.workspace.live)
        workspace.selection_changed.connect(self._place_cursor)
        workspace.epoch_added.connect(self._place_cursor)
        self.set_presentation(False)  # draws everything, at the sizes leaving presentation mode comes back to

    # --- what is drawn -----------------------------------------------------------------------

    def kept_curves(self) -> list[pg.PlotDataItem]:
        """The kept runs' curves on the return plot, in the order of ``workspace.kept``."""
        return [self._kept[run.number].curves[0] for run in self.workspace.kept]

    def group_curves(self, group: SeedGroup) -> tuple[pg.PlotDataItem, dict[int, pg.PlotDataItem]]:
        """A seed group's mean curve on the return plot, and each seed's own (seed -> curve)."""
        items = self._groups[group.number]
        return items.mean, dict(items.seeds)

    # --- rendering ---------------------------------------------------------------------------

    def redraw(self, growing: bool = False, diagnostics: bool = True) -> None:
        """Everything: kept runs and seed groups as the workspace has them, shown or hidden, the
        live run. ``growing``: runs are training (a race's lanes), so x keeps room ahead.
        ``diagnostics=False`` leaves the diagnostics plot for a ``redraw_diagnostics()`` of its own."""
        ws = self.workspace
        for number in [n for n, items in self._kept.items() if items.run not in ws.kept]:
            self._drop_kept(number)
        for run in ws.kept:
            if run.number not in self._kept:
                self._add_kept(run)
            self._draw_kept(self._kept[run.number])
        for number in [n for n, items in self._groups.items() if items.group not in ws.seed_groups]:
            self._drop_group(number)
        for group in ws.seed_groups:
            if group.number not in self._groups:
                self._add_group(group)
        self.redraw_seeds(growing)
        # Pens only when what they depend on changed: re-setting them repaints every curve, and a
        # race redraws several times a second (benchmarks/bench_race.py).
        style = (self._highlight, ws.hidden, self._width, tuple(self._kept), tuple(self._groups), ws.live.number)
        if style != self._styled:
            self._styled = style
            self._restyle()
        self.redraw_live(growing, diagnostics)

    def redraw_live(self, growing: bool = False, diagnostics: bool = True) -> None:
        """The live run's curves, band and markers (cheap: each epoch is converted once, in the
        model). ``growing``: it is training, so x keeps room ahead (plot_ranges.whole_x);
        ``diagnostics=False``: the diagnostics plot is left for its own redraw."""
        run = self.workspace.live
        if run is not self._live:  # a new live run: its markers start over
            self._remove_markers(self._live_markers)
            self._live = run
        x = run.column("epoch")
        mean, lo, hi, lengths = (run.column(n) for n in ("return_mean", "return_min", "return_max", "length_mean"))
        self.mean_curve.setData(x, ema(mean, self.smoothing))
        band_x, band_lo, band_hi = _envelope(x, lo, hi)  # the band always shows the raw spread
        self._band_lo.setData(band_x, band_lo)
        self._band_hi.setData(band_x, band_hi)
        self.length_curve.setData(x, ema(lengths, self.smoothing))
        if self._sync_markers(self._live_markers, run, label=True, color=QColor(MARKER_COLOR)):
            self._show_items(self._live_markers, self.workspace.shown(run))
            self._place_marker_labels()
        if diagnostics:
            self.redraw_diagnostics()
        self._fit(growing)

    def redraw_seeds(self, growing: bool = False) -> None:
        """Each seed group as its epochs arrive: every seed's own curve, thin, and the mean +- std
        (inside the observed returns) over the seeds that reached each epoch."""
        for items in self._groups.values():
            x, mean, lo, hi = items.group.band()
            items.mean.setData(x, mean)
            items.lo.setData(x, lo)
            items.hi.setData(x, hi)
            for seed, history in items.group.histories.items():
                if history and seed not in items.seeds:
                    pen = pg.mkPen(run_color(items.group.number, 90), width=self._width)
                    items.seeds[seed] = self.return_plot.plot([], [], pen=pen)
                if history:
                    items.seeds[seed].setData([s.epoch for s in history], [s.return_mean for s in history])
        self._fit(growing)

    def set_smoothing(self, smoothing: float) -> None:
        """EMA factor for the mean curves (0 = raw); the min-max band stays raw."""
        self.smoothing = smoothing
        self.redraw()

    def set_highlight(self, number: int | None) -> None:
        """Draw the run (or seed group) ``number`` thick and above the others; None: none."""
        if number != self._highlight:
            self._highlight = number
            self._restyle()
            self.redraw_diagnostics()

    def _scale(self, number: int) -> float:
        return self._width * (HIGHLIGHT if number == self._highlight else 1.0)

    def _restyle(self) -> None:
        """Pens and visibility of every item, from the workspace's shown runs and the highlight."""
        ws = self.workspace
        live = ws.live
        shown = ws.shown(live)
        self.mean_curve.setPen(pg.mkPen(LIVE_COLOR, width=2 * self._scale(live.number)))
        self.mean_curve.setZValue(5 if live.number == self._highlight else 0)
        self.length_curve.setPen(pg.mkPen(LENGTH_COLOR, width=2 * self._scale(live.number)))
        for item in (self.mean_curve, self.band, self.length_curve):
            item.setVisible(shown)
        self._show_items(self._live_markers, shown)
        for number, items in self._kept.items():
            pen = pg.mkPen(run_color(number), width=1.5 * self._scale(number))
            for curve in items.curves:
                curve.setPen(pen)
                curve.setVisible(ws.shown(items.run))
                curve.setZValue(5 if number == self._highlight else 0)
            self._show_items(items.markers, ws.shown(items.run))
        for number, items in self._groups.items():
            pen = pg.mkPen(run_color(number, 255), width=2 * self._scale(number), style=Qt.PenStyle.DashLine)
            items.mean.setPen(pen)
            for item in (items.mean, items.band, *items.seeds.values()):
                item.setVisible(ws.shown(items.group))

    @staticmethod
    def _show_items(markers: _Markers, shown: bool) -> None:
        for pair in markers.lines.values():
            for line in pair:
                line.setVisible(shown)

    def redraw_diagnostics(self) -> None:
        """The diagnostics plot: the live run's series and each shown kept run's."""
        name = self.diagnostics.field
        ws = self.workspace
        live = ws.live
        kept = [
            (run.column("epoch"), run.column(name), run_color(run.number), self._scale(run.number))
            for run in ws.kept
            if ws.shown(run)
        ]
        x, y = (live.column("epoch"), live.column(name)) if ws.shown(live) else (np.zeros(0), np.zeros(0))
        self.diagnostics.draw((x, y, self._scale(live.number)), kept)

    # --- kept runs ---------------------------------------------------------------------------

    def _add_kept(self, run: Run) -> None:
        pen = pg.mkPen(run_color(run.number), width=1.5 * self._width)
        curves = (self.return_plot.plot([], [], pen=pen), self.length_plot.plot([], [], pen=pen))
        for curve in curves:
            self._clickable(curve, lambda: run)
        items = _KeptItems(run, curves, _Markers())
        self._kept[run.number] = items
        self._sync_markers(items.markers, run, label=False, color=run_color(run.number))

    def _draw_kept(self, items: _KeptItems) -> None:
        run = items.run
        if items.drawn == (len(run.history), self.smoothing):
            return
        items.drawn = (len(run.history), self.smoothing)
        x = run.column("epoch")
        for curve, name in zip(items.curves, ("return_mean", "length_mean"), strict=True):
            curve.setData(x, ema(run.column(name), self.smoothing))
        self._sync_markers(items.markers, run, label=False, color=run_color(run.number))  # a race's lanes grow

    def _drop_kept(self, number: int) -> None:
        items = self._kept.pop(number)
        self.return_plot.removeItem(items.curves[0])
        self.length_plot.removeItem(items.curves[1])
        self._remove_markers(items.markers)

    # --- seed groups -------------------------------------------------------------------------

    def _add_group(self, group: SeedGroup) -> None:
        color = run_color(group.number, 255)
        mean = self.return_plot.plot([], [], pen=pg.mkPen(color, width=2 * self._width, style=Qt.PenStyle.DashLine))
        lo, hi = pg.PlotCurveItem(pen=None), pg.PlotCurveItem(pen=None)
        pale = QColor(color)
        pale.setAlpha(60)
        band = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(pale))
        band.setZValue(-20)
        self.return_plot.addItem(band)
        self._groups[group.number] = _GroupItems(group, mean, lo, hi, band)

    def _drop_group(self, number: int) -> None:
        items = self._groups.pop(number)
        for item in (items.mean, items.band, *items.seeds.values()):
            self.return_plot.removeItem(item)

    # --- change markers ----------------------------------------------------------------------

    def marker_labels(self) -> list[pg.InfLineLabel]:
        """The live run's change-marker labels, by epoch."""
        return [self._live_markers.lines[epoch][0].label for epoch in sorted(self._live_markers.lines)]

    def _place_marker_labels(self, *_) -> None:
        # Called as the range changes: the view's transform (and so the labels' places) is
        # otherwise brought up to date only at the next paint.
        self.return_plot.getViewBox().updateMatrix()
        placed = [self.threshold.label.sceneBoundingRect()] if self.threshold.isVisible() else []
        for label in self.marker_labels():
            label.setVisible(True)
            for slot in self._label_slots(label):
                label.setPosition(slot)
                if not any(label.sceneBoundingRect().intersects(other) for other in placed):
                    placed.append(label.sceneBoundingRect())
                    break
            else:  # no room left beside the others: the line stays, its text is in the run list's label
                label.setVisible(False)

    def _label_slots(self, label: pg.InfLineLabel) -> list[float]:
        """Heights (fractions of the plot, from the bottom) ``label`` may take, a label's height
        apart from the top down to the plot's middle: close changes stack downwards."""
        view = self.return_plot.getViewBox().height()
        step = (label.boundingRect().height() + 2) / max(view, 1.0)
        return [LABEL_TOP - i * step for i in range(int((LABEL_TOP - LABEL_LOWEST) / step) + 1)]

    def _sync_markers(self, markers: _Markers, run: Run, label: bool, color: QColor) -> bool:
        """Add a line pair for each of the run's changes not drawn yet (histories only grow);
        True when one was added."""
        last = max(markers.lines, default=0)
        added = False
        for epoch, text in run.markers():
            if epoch <= last:
                continue
            pair = []
            for plot, shown in ((self.return_plot, label), (self.length_plot, False)):
                line = pg.InfiniteLine(pos=epoch, angle=90, pen=self._marker_pen(color), movable=False)
                if shown:
                    line.label = pg.InfLineLabel(line, text=text, position=LABEL_TOP, anchor=(0, 0), color=MARKER_COLOR)
                    line.label.setFont(pixel_font(self._text_px))
                plot.addItem(line)
                pair.append(line)
            markers.lines[epoch] = tuple(pair)
            added = True
        return added

    def _remove_markers(self, markers: _Markers) -> None:
        for pair in markers.lines.values():
            for plot, line in zip((self.return_plot, self.length_plot), pair, strict=True):
                plot.removeItem(line)
        markers.lines.clear()

    def _marker_pen(self, color: QColor):
        return pg.mkPen(color, width=1.5 * self._width, style=Qt.PenStyle.DotLine)

    # --- ranges, env, presentation -----------------------------------------------------------

    # --- time travel -------------------------------------------------------------------------

    def _clickable(self, curve: pg.PlotDataItem, run) -> None:
        """A click on ``curve`` selects that epoch of ``run()``."""
        curve.curve.setClickable(True, width=CLICK_WIDTH)
        curve.sigClicked.connect(lambda _item, ev: self.workspace.select(run().number, round(ev.pos().x())))

    def _cursor_dragged(self, *_) -> None:
        shown = self.workspace.selected()
        if shown is not None:
            self.workspace.select(shown.run.number, round(self.cursor.value()))

    def _place_cursor(self, *_) -> None:
        shown = self.workspace.selected()
        self.cursor.setVisible(shown is not None and self._cursor_on)
        if shown is not None and self.cursor.value() != shown.epoch:
            self.cursor.setValue(shown.epoch)

    def fit_all(self) -> None:
        """Every plot shows every shown run whole again, and keeps doing so as runs grow."""
        self.fitting = True
        self.auto_button.hide()
        self.diagnostics.fitting = True
        self._fit()
        self.redraw_diagnostics()
        self.fitted.emit(True)

    def _on_manual_range(self, *_) -> None:
        if self.fitting:
            self.fitting = False
            self.diagnostics.fitting = False
            self.auto_button.show()
            self.auto_button.raise_()
            self.fitted.emit(False)

    def _fit(self, growing: bool = False) -> None:
        if not self.fitting:
            return
        ws = self.workspace
        runs = [r for r in ws.runs() if r.history and ws.shown(r)]
        x_max = max((r.history[-1].epoch for r in runs), default=0)
        lo = min((float(r.column("return_min").min()) for r in runs), default=0.0)
        hi = max((float(r.column("return_max").max()) for r in runs), default=0.0)
        length_hi = max((float(r.column("length_mean").max()) for r in runs), default=0.0)
        for items in self._groups.values():
            x, y = items.hi.getData()
            if ws.shown(items.group) and x is not None and len(x):
                x_max, hi, lo = max(x_max, x[-1]), max(hi, float(y.max())), min(lo, float(items.lo.getData()[1].min()))
        # Only the return plot sets x: the length plot follows it (setXLink), and setting x on both
        # made them fight over a range that differs by a hair, redrawing the axes every time.
        whole_x(self.return_plot, x_max, growing)
        grow_range(self.return_plot, None, lo, max(hi, self._return_floor))
        grow_range(self.length_plot, None, 0.0, max(length_hi, self._length_floor))

    def set_env(self, reward_threshold: float | None, max_episode_steps: int | None) -> None:
        """Show the env's solved line, and open the y axes on the range a good run will reach,
        so they rarely have to change (each change redraws the axis: see grow_range)."""
        self._env = (reward_threshold, max_episode_steps)
        self.threshold.setVisible(reward_threshold is not None)
        if reward_threshold is not None:
            self.threshold.setValue(reward_threshold)
            self.threshold.label.setFormat(f"solved ({reward_threshold:g})")
        self._return_floor = reward_threshold * 1.05 if reward_threshold is not None else 10.0
        self._length_floor = max_episode_steps or 10.0
        self._fit()

    def twin(self) -> TrainingPlots:
        """New plots of the same runs drawn the same way (env, smoothing, diagnostic and its
        scale), showing every run whole: an export's figure, never on screen."""
        twin = TrainingPlots(self.workspace)
        twin._cursor_on = False
        twin.set_env(*self._env)
        twin.diagnostics.choose(self.diagnostics.field)
        twin.diagnostics.log_check.setChecked(self.diagnostics.log_check.isChecked())
        twin.set_smoothing(self.smoothing)
        return twin

    @property
    def diagnostic(self) -> str:
        """The series the diagnostics plot shows (an EpochStats field, e.g. "grad_var")."""
        return self.diagnostics.field

    def choose_diagnostic(self, field: str | None = None) -> bool:
        """Show the series ``field`` on the diagnostics plot (None: the first, the default);
        False for one it has not."""
        return self.diagnostics.choose(field)

    def set_presentation(self, on: bool) -> None:
        """Thick lines and large fonts for a projector."""
        self.set_style(PRESENTATION_PX if on else NORMAL_PX, 2.5 if on else 1.0, short_titles=on)

    def set_style(self, text_px: int, line_scale: float, short_titles: bool) -> None:
        """Every text of the three plots at ``text_px`` pixels (titles a little larger), lines
        ``line_scale`` times their normal width; ``short_titles`` fit large text in a narrow column."""
        self._width = line_scale
        for markers in (self._live_markers, *(items.markers for items in self._kept.values())):
            for pair in markers.lines.values():
                for line in pair:
                    line.setPen(self._marker_pen(line.pen.color()))
        self.redraw()
        self._text_px = text_px
        for plot in (self.return_plot, self.length_plot):
            plot.setTitle(TITLES[plot.objectName()][1 if short_titles else 0])
        self.diagnostics.set_compact(short_titles)
        for plot in (self.return_plot, self.length_plot, self.diagnostics.plot):
            set_plot_fonts(plot, self._text_px)
        self.threshold.label.setFont(pixel_font(self._text_px))
        for label in self.marker_labels():
            label.setFont(pixel_font(self._text_px))
        self._place_marker_labels()
