"""The third plot: one per-epoch diagnostic of the update, picked from a list, each explained.
TrainingPlots owns it and draws into it the live run and the kept runs, in their colours:

    view = DiagnosticsPlot()
    view.field                                      # "grad_var": the series picked
    view.draw((x, y, 1.0), [(x1, y1, color1, 1.0)])  # the live run, then the kept runs (with line widths)
    view.changed.connect(redraw)                    # the series or the scale was changed

A log scale (the check box beside the list) shows runs whose values differ a thousandfold, e.g.
a normalised run's gradient variance (~0.005) beside a plain one's (~50), which a linear axis
draws as a flat line at 0.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vpg_gui.qt.views.plot_ranges import grow_range
from vpg_gui.qt.views.run_colors import LIVE_COLOR

# EpochStats field -> (name in the list, what it tells, in a tooltip)
SERIES = {
    "grad_var": (
        "gradient variance",
        "How noisy this epoch's gradient estimate is: the spread of its episodes' separate estimates, "
        "divided by their number. Reward-to-go and a value baseline make it smaller, for the same batch size.",
    ),
    "loss": (
        "policy loss",
        "-mean(log-probability x weight) before the update. Not a measure of progress: its scale follows the weights.",
    ),
    "value_loss": (
        "value loss",
        "How far the value network's predictions were from this batch's rewards-to-go, before fitting "
        "(mean squared error). 0 without a baseline.",
    ),
    "entropy": (
        "entropy",
        "How random the policy still is, in nats (ln 2 = 0.69 for two equally likely actions). Falling to "
        "0 means it always picks the same action in a state.",
    ),
    "kl": (
        "KL (before || after)",
        "How far one update moved the policy: the mean KL divergence between the policy before and after it, "
        "over the batch's states. Spikes mean a step too large.",
    ),
    "grad_norm": (
        "gradient norm",
        "Length of the loss gradient. With Adam the step size does not follow it, but its jumps show noisy epochs.",
    ),
}
PEN = pg.mkPen(LIVE_COLOR, width=2)  # the live run's colour, as on the return plot and in the run list


class DiagnosticsPlot(QWidget):
    changed = Signal()  # the series or the scale changed: the owner draws again

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Diagnostic:"))
        self.series = QComboBox(objectName="diagnosticsSeries")
        for i, (field, (name, help_text)) in enumerate(SERIES.items()):
            self.series.addItem(name, field)
            self.series.setItemData(i, help_text, Qt.ItemDataRole.ToolTipRole)
        bar.addWidget(self.series)
        self.log_check = QCheckBox("log scale", objectName="diagnosticsLogCheck")
        self.log_check.setToolTip(
            "A logarithmic y axis: runs whose values differ a thousandfold are both readable "
            "(values at or below 0 are not drawn)"
        )
        bar.addWidget(self.log_check)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("diagnosticsPlot")
        self.plot.setLabel("bottom", "epoch")
        # Values span 1e-4..1e3 across series: plain tick labels, not an SI factor in the axis title.
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.plot.hideButtons()
        self.fitting = True  # the y range follows the data (the owner turns it off when the user zooms)
        self.plot.disableAutoRange()
        self.curve = self.plot.plot([], [], pen=PEN)  # the plot's first data item: the live run
        self.kept_curves: list[pg.PlotDataItem] = []  # the kept runs', in the order drawn
        layout.addWidget(self.plot, 1)
        self.compact = False
        self.series.currentIndexChanged.connect(self._on_series)
        self.series.currentIndexChanged.connect(self.changed)
        self.log_check.toggled.connect(self._on_log)
        self._on_series()

    @property
    def field(self) -> str:
        return self.series.currentData()

    def choose(self, field: str | None) -> bool:
        """Show the series ``field`` (an EpochStats field, e.g. "entropy"; None: the first, the
        default); False for one it has not."""
        index = 0 if field is None else self.series.findData(field)
        if index >= 0:
            self.series.setCurrentIndex(index)
        return index >= 0

    def draw(
        self, live: tuple[np.ndarray, np.ndarray, float], kept: list[tuple[np.ndarray, np.ndarray, object, float]]
    ):
        """The live run's series (x, y, line width scale) and each kept run's (x, y, colour, scale),
        the colour the run list shows it in."""
        while len(self.kept_curves) > len(kept):
            self.plot.removeItem(self.kept_curves.pop())
        while len(self.kept_curves) < len(kept):
            self.kept_curves.append(self.plot.plot([], []))
        x, y, width = live
        self.curve.setPen(pg.mkPen(PEN.color(), width=2 * width))
        self.curve.setData(x, y)
        for curve, (x, y, color, width) in zip(self.kept_curves, kept, strict=True):
            curve.setPen(pg.mkPen(color, width=1.5 * width))
            curve.setData(x, y)
        ys = [y for y in (live[1], *(k[1] for k in kept)) if len(y)]
        if not self.fitting:
            return
        if self.log_check.isChecked():
            positive = np.concatenate([y[y > 0] for y in ys]) if ys else np.empty(0)
            if len(positive):  # the view's y is log10 of the values here
                lo, hi = np.log10(positive.min()), np.log10(positive.max())
                self.plot.setYRange(np.floor(lo), max(np.ceil(hi), np.floor(lo) + 1), padding=0)
        elif ys:
            grow_range(self.plot, None, min(float(np.min(y)) for y in ys), max(float(np.max(y)) for y in ys))

    def _on_series(self) -> None:
        name, help_text = SERIES[self.field]
        self.series.setToolTip(help_text)
        self.plot.setToolTip(help_text)
        self.plot.setLabel("left", "" if self.compact else name)

    def _on_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        if not on:  # the linear range is grown afresh from the data
            self.plot.setYRange(0, 1, padding=0)
        self.changed.emit()

    def set_compact(self, on: bool) -> None:
        """No y-axis title (the list above names the series): in large text it would not fit."""
        self.compact = on
        self._on_series()
