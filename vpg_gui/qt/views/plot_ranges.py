"""Plot ranges. y ranges rarely change: every axis change makes pyqtgraph redraw that axis, which
costs the GUI thread several milliseconds (benchmarks/bench_gui.py). x shows every run whole: it
ends at the longest run's last epoch; while a run trains, at that epoch's nice ceiling (10, 20,
25, 50, 100, ...), so the axes are redrawn a few times a run rather than at every redraw
(moving x at each of the 10 redraws a second made the GUI thread late: benchmarks/bench_gui.py
and bench_plot_redraw.py, figures in docs/performance.md).

>>> nice_ceiling(437), nice_ceiling(51), nice_ceiling(0.03)
(500.0, 100.0, 0.05)
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``value``: 437 -> 500, 51 -> 100."""
    if value <= 0:
        return 1.0
    exp = 10 ** np.floor(np.log10(value))
    return float(next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= value - 1e-9))


X_PADDING = 0.02  # of the x range on each side: the first and last points are not cut by the axes


def x_view(last_epoch: int, growing: bool = False) -> tuple[float, float]:
    """x from epoch 1 to ``last_epoch`` (no epochs yet: 0 to 10). ``growing`` (a run is
    training): to the nice ceiling of the last epoch instead, so x moves a few times a run.

    >>> x_view(0), x_view(150), x_view(151, growing=True), x_view(1)
    ((0.0, 10.0), (1.0, 150.0), (1.0, 200.0), (1.0, 2.0))
    """
    if not last_epoch:
        return 0.0, 10.0
    return 1.0, nice_ceiling(last_epoch) if growing else float(max(last_epoch, 2))


def whole_x(plot: pg.PlotWidget, last_epoch: int, growing: bool = False) -> None:
    """Show ``x_view`` on ``plot``, setting it only when it moved."""
    lo, hi = x_view(last_epoch, growing)
    pad = X_PADDING * (hi - lo)
    if plot.getViewBox().state["targetRange"][0] != [lo - pad, hi + pad]:
        plot.setXRange(lo, hi, padding=X_PADDING)


def grow_range(plot: pg.PlotWidget, x_max: float | None, y_lo: float, y_hi: float) -> None:
    """Set the view to nice bounds only when the data leaves them (or fills under half of them):
    most redraws keep the axes as they are, so pyqtgraph reuses their cached drawing (redrawing
    a changed axis costs several ms of GUI-thread Python while training competes for the GIL).
    ``x_max`` None leaves x alone (a plot whose x follows another's)."""
    (_, x1), (y0, y1) = plot.viewRange()
    if x_max is not None and nice_ceiling(x_max) != x1:
        plot.setXRange(0, nice_ceiling(x_max), padding=0)
    lo = -nice_ceiling(-y_lo) if y_lo < 0 else 0.0
    hi = nice_ceiling(y_hi)
    if y_lo < y0 or y_hi > y1 or lo > y0 or hi < y1 / 2:
        plot.setYRange(lo, hi, padding=0)
