"""The live plots: mean return per epoch with its min-max band and the solved line, and mean
episode length per epoch. Curves are created once and fed with ``setData``.

    plots = TrainingPlots()
    plots.set_env(475.0, 500)          # solved line and y ranges from the env's spec (None: none)
    plots.set_history(history)         # after each epoch: x = epoch, y = mean (and the band)
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vpg_gui.core.metrics import EpochStats

# Measured (benchmarks/bench_gui.py): a pyqtgraph grid makes each repaint of a plot cost ~13 ms
# and a translucent fill ~4 ms, enough to make the GUI thread miss its timers; an opaque pale
# band and no grid repaint in ~1 ms.
MEAN_PEN = pg.mkPen("#1565c0", width=2)
BAND_BRUSH = pg.mkBrush("#d3e3f5")
LENGTH_PEN = pg.mkPen("#2e7d32", width=2)
THRESHOLD_PEN = pg.mkPen("#c62828", width=1.5, style=Qt.PenStyle.DashLine)


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


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value``: 437 -> 500, 51 -> 100."""
    if value <= 0:
        return 1.0
    exp = 10 ** np.floor(np.log10(value))
    return float(next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= value - 1e-9))


def _grow_range(plot: pg.PlotWidget, x_max: float, y_lo: float, y_hi: float) -> None:
    """Set the view to nice bounds only when the data leaves them (or fills under half of them):
    most redraws keep the axes as they are, so pyqtgraph reuses their cached drawing (redrawing
    a changed axis costs several ms of GUI-thread Python while training competes for the GIL)."""
    (_, x1), (y0, y1) = plot.viewRange()
    if _nice_ceiling(x_max) != x1:
        plot.setXRange(0, _nice_ceiling(x_max), padding=0)
    lo = -_nice_ceiling(-y_lo) if y_lo < 0 else 0.0
    hi = _nice_ceiling(y_hi)
    if y_lo < y0 or y_hi > y1 or lo > y0 or hi < y1 / 2:
        plot.setYRange(lo, hi, padding=0)


def _curve(plot: pg.PlotWidget, pen) -> pg.PlotDataItem:
    curve = plot.plot([], [], pen=pen)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    return curve


class TrainingPlots(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.return_plot = _plot("returnPlot", "Mean return per epoch (band: min to max)", "return")
        self.length_plot = _plot("lengthPlot", "Mean episode length per epoch", "steps")
        self.length_plot.setXLink(self.return_plot)
        layout.addWidget(self.return_plot, 3)
        layout.addWidget(self.length_plot, 2)

        # The mean curve is the plot's first data item (tests and scripts read it).
        self.mean_curve = _curve(self.return_plot, MEAN_PEN)
        # PlotCurveItems, not PlotDataItems: a PlotDataItem without a pen builds no path to fill.
        self._band_lo = pg.PlotCurveItem(pen=None)
        self._band_hi = pg.PlotCurveItem(pen=None)
        self.band = pg.FillBetweenItem(self._band_lo, self._band_hi, brush=BAND_BRUSH)
        self.return_plot.addItem(self.band)
        self.threshold = pg.InfiniteLine(angle=0, pen=THRESHOLD_PEN, movable=False)
        self.threshold.label = pg.InfLineLabel(
            self.threshold, text="solved", position=0.1, anchors=[(0, 1), (0, 1)], color="#c62828"
        )
        self.return_plot.addItem(self.threshold)
        self.threshold.hide()
        self.length_curve = _curve(self.length_plot, LENGTH_PEN)
        self._return_floor = self._length_floor = 10.0  # y ranges always reach these (set_env)

    def set_history(self, history: list[EpochStats]) -> None:
        if not history:
            for item in (self.mean_curve, self._band_lo, self._band_hi, self.length_curve):
                item.setData([], [])
            self._fit(0, 0.0, 0.0, 0.0)
            return
        x = np.fromiter((s.epoch for s in history), float, len(history))
        column = lambda name: np.fromiter((getattr(s, name) for s in history), float, len(history))  # noqa: E731
        lo, hi, lengths = column("return_min"), column("return_max"), column("length_mean")
        self.mean_curve.setData(x, column("return_mean"))
        self._band_lo.setData(x, lo)
        self._band_hi.setData(x, hi)
        self.length_curve.setData(x, lengths)
        self._fit(x[-1], lo.min(), hi.max(), lengths.max())

    def _fit(self, x_max: float, return_lo: float, return_hi: float, length_hi: float) -> None:
        _grow_range(self.return_plot, max(x_max, 10), return_lo, max(return_hi, self._return_floor))
        _grow_range(self.length_plot, max(x_max, 10), 0.0, max(length_hi, self._length_floor))

    def set_env(self, reward_threshold: float | None, max_episode_steps: int | None) -> None:
        """Show the env's solved line, and open the y axes on the range a good run will reach,
        so they rarely have to change (each change redraws the axis: see _grow_range)."""
        self.threshold.setVisible(reward_threshold is not None)
        if reward_threshold is not None:
            self.threshold.setValue(reward_threshold)
            self.threshold.label.setFormat(f"solved ({reward_threshold:g})")
        self._return_floor = reward_threshold * 1.05 if reward_threshold is not None else 10.0
        self._length_floor = max_episode_steps or 10.0
        self._fit(0, 0.0, 0.0, 0.0)
