"""The live plots: mean return per epoch with its min-max band and the solved line, and mean
episode length per epoch. Curves are created once and fed with ``setData``.

    plots = TrainingPlots()
    plots.set_history(history)         # after each epoch: x = epoch, y = mean (and the band)
    plots.set_threshold(475.0)         # dashed line at the env's solved return, None hides it
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from vpg_gui.core.metrics import EpochStats

MEAN_PEN = pg.mkPen("#1565c0", width=2)
BAND_BRUSH = pg.mkBrush(21, 101, 192, 50)
LENGTH_PEN = pg.mkPen("#2e7d32", width=2)
THRESHOLD_PEN = pg.mkPen("#c62828", width=1.5, style=Qt.PenStyle.DashLine)


def _plot(name: str, title: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(name)  # PlotWidget hands its keyword arguments to its PlotItem, not to Qt
    plot.setTitle(title, color="#222", size="12pt")
    plot.setLabel("bottom", "epoch")
    plot.setLabel("left", y_label)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    return plot


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
        self._band_lo = pg.PlotDataItem([], [], pen=None)
        self._band_hi = pg.PlotDataItem([], [], pen=None)
        self.band = pg.FillBetweenItem(self._band_lo, self._band_hi, brush=BAND_BRUSH)
        self.return_plot.addItem(self.band)
        self.threshold = pg.InfiniteLine(angle=0, pen=THRESHOLD_PEN, movable=False)
        self.threshold.label = pg.InfLineLabel(self.threshold, text="solved", position=0.05, color="#c62828")
        self.return_plot.addItem(self.threshold)
        self.threshold.hide()
        self.length_curve = _curve(self.length_plot, LENGTH_PEN)

    def set_history(self, history: list[EpochStats]) -> None:
        if not history:
            for item in (self.mean_curve, self._band_lo, self._band_hi, self.length_curve):
                item.setData([], [])
            return
        x = np.fromiter((s.epoch for s in history), float, len(history))
        column = lambda name: np.fromiter((getattr(s, name) for s in history), float, len(history))  # noqa: E731
        self.mean_curve.setData(x, column("return_mean"))
        self._band_lo.setData(x, column("return_min"))
        self._band_hi.setData(x, column("return_max"))
        self.length_curve.setData(x, column("length_mean"))

    def set_threshold(self, value: float | None) -> None:
        self.threshold.setVisible(value is not None)
        if value is not None:
            self.threshold.setValue(value)
            self.threshold.label.setFormat(f"solved ({value:g})")
