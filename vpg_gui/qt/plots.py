"""The live plots: mean return per epoch with its min-max band and the solved line, mean
episode length per epoch, and a diagnostic of the update (diagnostics_plot.py); change
markers, kept runs for comparison, EMA smoothing. Curves are created once and fed with ``setData``.

    plots = TrainingPlots()
    plots.set_env(475.0, 500)          # solved line and y ranges from the env's spec (None: none)
    plots.set_history(history)         # after each epoch: x = epoch, y = mean, band, markers
    plots.keep_run("lr 0.01", history) # on Reset: the old run stays as a faded labelled curve
    plots.set_smoothing(0.8)           # EMA of the mean curves; the band stays raw
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vpg_gui.core.metrics import EpochStats, changes
from vpg_gui.qt.diagnostics_plot import SERIES, DiagnosticsPlot
from vpg_gui.qt.plot_ranges import grow_range

# Measured (benchmarks/bench_gui.py): a pyqtgraph grid makes each repaint of a plot cost ~13 ms
# and a translucent fill ~4 ms, enough to make the GUI thread miss its timers; an opaque pale
# band and no grid repaint in ~1 ms.
MEAN_PEN = pg.mkPen("#1565c0", width=2)
BAND_BRUSH = pg.mkBrush("#d3e3f5")
LENGTH_PEN = pg.mkPen("#2e7d32", width=2)
SEED_PEN = pg.mkPen("#e65100", width=2, style=Qt.PenStyle.DashLine)
SEED_BRUSH = pg.mkBrush("#fde3c8")
THRESHOLD_PEN = pg.mkPen("#c62828", width=1.5, style=Qt.PenStyle.DashLine)
BAND_POINTS = 400  # the min-max band is drawn from at most this many points
PLOTTED = ("epoch", "return_mean", "return_min", "return_max", "length_mean", *SERIES)
MAX_KEPT = 8  # runs kept on the plots for comparison after Reset
KEPT_COLORS = [
    (c[0], c[1], c[2], 150)
    for c in (
        (239, 108, 0),
        (0, 137, 123),
        (94, 53, 177),
        (216, 27, 96),
        (124, 179, 66),
        (84, 110, 122),
        (255, 179, 0),
        (3, 155, 229),
    )
]  # faded (alpha 150)


def _plot(name: str, title: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(name)  # PlotWidget hands its keyword arguments to its PlotItem, not to Qt
    plot.setTitle(title, color="#222", size="12pt")
    plot.setLabel("bottom", "epoch")
    plot.setLabel("left", y_label)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
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


def _columns(history: list[EpochStats], *names: str) -> list[np.ndarray]:
    return [np.fromiter((getattr(s, n) for s in history), float, len(history)) for n in names]


@dataclass
class _KeptRun:
    label: str
    history: list[EpochStats]
    curves: tuple[pg.PlotDataItem, pg.PlotDataItem]  # on the return and the length plot


class TrainingPlots(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.return_plot = _plot("returnPlot", "Mean return per epoch (band: min to max)", "return")
        self.length_plot = _plot("lengthPlot", "Mean episode length per epoch", "steps")
        self.length_plot.setXLink(self.return_plot)
        self.diagnostics = DiagnosticsPlot()
        self.diagnostics.plot.setXLink(self.return_plot)
        layout.addWidget(self.return_plot, 3)
        layout.addWidget(self.length_plot, 2)
        layout.addWidget(self.diagnostics, 2)
        self.legend = self.return_plot.addLegend(offset=(-10, 10), labelTextColor="#222")
        self.legend.setVisible(False)

        # The mean curve is the plot's first data item (tests and scripts read it).
        self.mean_curve = _curve(self.return_plot, MEAN_PEN)
        self.legend.addItem(self.mean_curve, "current run")
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
        self.length_curve = _curve(self.length_plot, LENGTH_PEN)
        self._return_floor = self._length_floor = 10.0  # y ranges always reach these (set_env)
        self.history: list[EpochStats] = []  # what is drawn
        self._drawn: dict[str, list[float]] = {n: [] for n in PLOTTED}
        self.smoothing = 0.0
        self.markers: dict[int, tuple[pg.InfiniteLine, pg.InfiniteLine]] = {}  # epoch -> lines
        self.kept: list[_KeptRun] = []
        self._width = 1.0  # line width scale (presentation mode)
        # Compare seeds: the mean over seeds and a mean +- std band, one comparison at a time.
        self.seed_mean = self.return_plot.plot([], [], pen=SEED_PEN)
        self._seed_lo, self._seed_hi = pg.PlotCurveItem(pen=None), pg.PlotCurveItem(pen=None)
        self.seed_band = pg.FillBetweenItem(self._seed_lo, self._seed_hi, brush=SEED_BRUSH)
        self.seed_band.setZValue(-20)
        self._seed_x_max = 0.0
        self.return_plot.addItem(self.seed_band)

    def set_history(self, history: list[EpochStats]) -> None:
        """Draw ``history``. When it extends what is drawn (the usual case: new epochs), only the
        new epochs are converted, so a redraw stays cheap however long the run."""
        drawn = len(self.history)
        if drawn <= len(history) and (drawn == 0 or history[drawn - 1] is self.history[-1]):
            new = history[drawn:]
            self._add_markers(changes(history[max(0, drawn - 1) :]))
        else:  # a different run (Reset, an opened session): start over
            new, self.history = history, []
            self._drawn = {name: [] for name in self._drawn}
            self._remove_markers()
            self._add_markers(changes(history))
        self.history.extend(new)
        for name, column in self._drawn.items():
            column.extend(getattr(s, name) for s in new)
        columns = {name: np.asarray(c, float) for name, c in self._drawn.items()}
        self.diagnostics.set_columns(columns["epoch"], {name: columns[name] for name in SERIES})
        if not self.history:
            for item in (self.mean_curve, self._band_lo, self._band_hi, self.length_curve):
                item.setData([], [])
            self._fit(0, 0.0, 0.0, 0.0)
            return
        x, mean, lo, hi, lengths = (columns[name] for name in PLOTTED[:5])
        self.mean_curve.setData(x, ema(mean, self.smoothing))
        band_x, band_lo, band_hi = _envelope(x, lo, hi)  # the band always shows the raw spread
        self._band_lo.setData(band_x, band_lo)
        self._band_hi.setData(band_x, band_hi)
        self.length_curve.setData(x, ema(lengths, self.smoothing))
        self._fit(x[-1], lo.min(), hi.max(), lengths.max())

    def set_smoothing(self, smoothing: float) -> None:
        """EMA factor for the mean curves (0 = raw); the min-max band stays raw."""
        self.smoothing = smoothing
        self.set_history(list(self.history))  # same epochs, redrawn with the new smoothing
        for run in self.kept:
            self._draw_kept(run)

    # --- change markers ----------------------------------------------------------------------

    def _remove_markers(self) -> None:
        for pair in self.markers.values():
            for plot, line in zip((self.return_plot, self.length_plot), pair, strict=True):
                plot.removeItem(line)
        self.markers = {}

    def _add_markers(self, found: list[tuple[int, str]]) -> None:
        for epoch, label in found:
            pair = []
            for plot, text in ((self.return_plot, label), (self.length_plot, None)):
                line = pg.InfiniteLine(pos=epoch, angle=90, pen=self._marker_pen(), movable=False)
                if text:
                    line.label = pg.InfLineLabel(line, text=text, position=0.9, anchor=(0, 0), color="#6a1b9a")
                plot.addItem(line)
                pair.append(line)
            self.markers[epoch] = tuple(pair)

    def _marker_pen(self):
        return pg.mkPen("#8e24aa", width=1.5 * self._width, style=Qt.PenStyle.DotLine)

    # --- kept runs ---------------------------------------------------------------------------

    def keep_run(self, label: str, history: list[EpochStats]) -> None:
        """Keep a finished run on both plots as a faded, labelled curve (at most MAX_KEPT)."""
        if not history:
            return
        if len(self.kept) >= MAX_KEPT:
            self._drop_kept(self.kept[0])
        color = KEPT_COLORS[len(self.kept) % len(KEPT_COLORS)]
        curves = (
            self.return_plot.plot([], [], pen=pg.mkPen(color, width=1.5 * self._width), name=label),
            self.length_plot.plot([], [], pen=pg.mkPen(color, width=1.5 * self._width)),
        )
        run = _KeptRun(label, list(history), curves)
        self.kept.append(run)
        self._draw_kept(run)
        self.legend.setVisible(True)

    def clear_kept_runs(self) -> None:
        """Drop the kept runs and the seed comparison."""
        for run in list(self.kept):
            self._drop_kept(run)
        self.show_seed_band("", {})
        self.legend.setVisible(False)

    def show_seed_band(self, label: str, histories: dict) -> None:
        """Mean +- std over seeds of each epoch's mean return (epochs every seed reached)."""
        from vpg_gui.core.sweep import aggregate

        rows = aggregate(histories)
        x = np.array([r["epoch"] for r in rows], float)
        mean = np.array([r["return_mean"] for r in rows], float)
        std = np.array([r["return_std"] for r in rows], float)
        self.seed_mean.setData(x, mean)
        self._seed_lo.setData(x, mean - std)
        self._seed_hi.setData(x, mean + std)
        self.legend.removeItem(self.seed_mean)
        self._seed_x_max = x[-1] if rows else 0.0
        if rows:
            self.legend.addItem(self.seed_mean, label)
            self.legend.setVisible(True)
            self._fit(x[-1], float((mean - std).min()), float((mean + std).max()), 0.0)

    def _draw_kept(self, run: _KeptRun) -> None:
        x, mean, lengths = _columns(run.history, "epoch", "return_mean", "length_mean")
        run.curves[0].setData(x, ema(mean, self.smoothing))
        run.curves[1].setData(x, ema(lengths, self.smoothing))

    def _drop_kept(self, run: _KeptRun) -> None:
        self.return_plot.removeItem(run.curves[0])
        self.legend.removeItem(run.curves[0])
        self.length_plot.removeItem(run.curves[1])
        self.kept.remove(run)

    # --- ranges, env, presentation -----------------------------------------------------------

    def _fit(self, x_max: float, return_lo: float, return_hi: float, length_hi: float) -> None:
        for run in self.kept:
            x_max = max(x_max, run.history[-1].epoch)
        x_max = max(x_max, self._seed_x_max)
        grow_range(self.return_plot, max(x_max, 10), return_lo, max(return_hi, self._return_floor))
        # Only the return plot sets x: the length plot follows it (setXLink), and setting x on both
        # made them fight over a range that differs by a hair, redrawing the axes every time.
        grow_range(self.length_plot, None, 0.0, max(length_hi, self._length_floor))

    def set_env(self, reward_threshold: float | None, max_episode_steps: int | None) -> None:
        """Show the env's solved line, and open the y axes on the range a good run will reach,
        so they rarely have to change (each change redraws the axis: see grow_range)."""
        self.threshold.setVisible(reward_threshold is not None)
        if reward_threshold is not None:
            self.threshold.setValue(reward_threshold)
            self.threshold.label.setFormat(f"solved ({reward_threshold:g})")
        self._return_floor = reward_threshold * 1.05 if reward_threshold is not None else 10.0
        self._length_floor = max_episode_steps or 10.0
        self._fit(0, 0.0, 0.0, 0.0)

    def set_presentation(self, on: bool) -> None:
        """Thick lines and large fonts for a projector."""
        self._width = 2.5 if on else 1.0
        self.mean_curve.setPen(pg.mkPen(MEAN_PEN.color(), width=2 * self._width))
        self.length_curve.setPen(pg.mkPen(LENGTH_PEN.color(), width=2 * self._width))
        for run in self.kept:
            for curve in run.curves:
                curve.setPen(pg.mkPen(curve.opts["pen"].color(), width=1.5 * self._width))
        for pair in self.markers.values():
            for line in pair:
                line.setPen(self._marker_pen())
        font = QFont()
        font.setPointSize(16 if on else 9)
        self.diagnostics.curve.setPen(pg.mkPen(self.diagnostics.curve.opts["pen"].color(), width=2 * self._width))
        for plot in (self.return_plot, self.length_plot, self.diagnostics.plot):
            if plot is not self.diagnostics.plot:
                plot.setTitle(plot.getPlotItem().titleLabel.text, color="#222", size="20pt" if on else "12pt")
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTickFont(font)
                plot.getAxis(axis).label.setFont(font)
