"""The sensitivity plot: a sweep's final return against each swept field's values, mean +- std
over seeds, one panel per field and one line per combination of the other fields. It renders a
sweeps.results.SweepResults; clicking a point says which field and value it is.

    plot = SensitivityPlot()
    plot.point_clicked.connect(lambda name, value: show_curves(results.histories_with(name, value)))
    plot.render(results)   # again whenever a trial ends

Learning rates get a logarithmic axis; choices (weighting, baseline, true/false) sit side by side.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from vpg_gui.qt.views.plot_fonts import NORMAL_PX, pixel_font
from vpg_gui.qt.views.run_colors import RUN_COLORS
from vpg_gui.sweeps.results import SweepResults
from vpg_gui.sweeps.spec import LOG_FIELDS, value_text

POINT_SIZE = 12
BEAM = 0.03  # error bars' caps, as a share of the x axis's span


def positions(name: str, values: tuple) -> list[float]:
    """Where each value sits on the x axis: log10 for learning rates, the number itself for
    other numbers, its index for choices.

    >>> positions("lr", (0.001, 0.01)), positions("weighting", ("episode-return", "reward-to-go"))
    ([-3.0, -2.0], [0.0, 1.0])
    """
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if numeric and name in LOG_FIELDS and all(v > 0 for v in values):
        return [math.log10(v) for v in values]
    if numeric:
        return [float(v) for v in values]
    return [float(i) for i in range(len(values))]


class SensitivityPlot(pg.GraphicsLayoutWidget):
    point_clicked = Signal(str, object)  # swept field, value

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("sensitivityPlot")
        self.setBackground("w")
        self.setToolTip(
            "Final return (mean of the last 10% of epochs) against each swept value, mean ± std over "
            "seeds. Click a point to draw that value's learning curves on the return plot."
        )
        self.panels: dict[str, pg.PlotItem] = {}
        self._px = NORMAL_PX

    def render(self, results: SweepResults) -> None:
        """Draw ``results`` as they stand (trials without an epoch are left out)."""
        grid = results.spec.grid
        if list(self.panels) != list(grid):
            self.clear()
            self.panels = {}
            for row, name in enumerate(grid):
                self.panels[name] = self.addPlot(row=row, col=0)
        for name, panel in self.panels.items():
            self._draw_panel(panel, name, grid[name], results)

    def set_font_px(self, px: int) -> None:
        self._px = px
        for panel in self.panels.values():
            for axis in ("left", "bottom"):
                panel.getAxis(axis).setTickFont(pixel_font(px))
                panel.getAxis(axis).label.setFont(pixel_font(px))

    def _draw_panel(self, panel: pg.PlotItem, name: str, values: tuple, results: SweepResults) -> None:
        panel.clear()
        if panel.legend is not None:
            panel.legend.clear()
        xs = dict(zip(values, positions(name, values), strict=True))
        panel.getAxis("bottom").setTicks([[(xs[v], value_text(name, v)) for v in values]])
        panel.setLabel("bottom", f"{name} (log scale)" if name in LOG_FIELDS else name)
        panel.setLabel("left", "final return")
        panel.setTitle(f"final return against {name}, mean ± std over {len(results.spec.seeds)} seed(s)", color="#222")
        for axis in ("left", "bottom"):
            panel.getAxis(axis).setTextPen("#222")
        lines = results.sensitivity(name)
        span = max(xs.values()) - min(xs.values()) if len(xs) > 1 else 1.0
        beam = BEAM * span
        if len(lines) > 1 and panel.legend is None:
            panel.addLegend(offset=(10, 10))
        for i, (others, points) in enumerate(sorted(lines.items())):
            color = RUN_COLORS[i % len(RUN_COLORS)]
            x = np.array([xs[p.value] for p in points])
            mean = np.array([p.mean for p in points])
            std = np.array([p.std for p in points])
            panel.addItem(pg.ErrorBarItem(x=x, y=mean, height=2 * std, beam=beam, pen=pg.mkPen(color, width=2)))
            panel.plot(x, mean, pen=pg.mkPen(color, width=2), name=others or None)
            scatter = pg.ScatterPlotItem(
                x=x, y=mean, data=[p.value for p in points], size=POINT_SIZE, brush=pg.mkBrush(color), hoverable=True
            )
            scatter.sigClicked.connect(lambda _item, clicked, _ev, name=name: self._clicked(name, clicked))
            panel.addItem(scatter)
        self.set_font_px(self._px)

    def _clicked(self, name: str, points) -> None:
        if len(points):
            self.point_clicked.emit(name, points[0].data())
