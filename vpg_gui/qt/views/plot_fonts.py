"""Text sizes of a pyqtgraph plot (title, axis labels, tick labels), in pixels, so presentation
mode can make every text readable from the back of a room (pyqtgraph items do not follow the
widgets' fonts).

    set_plot_fonts(plot_widget, PRESENTATION_PX)   # or NORMAL_PX
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont

PRESENTATION_PX = 22  # the smallest text in presentation mode: legible at the back of a lecture hall
NORMAL_PX = 12
TITLE_SCALE = 1.3  # titles a little larger than the rest


def pixel_font(px: int) -> QFont:
    font = QFont()
    font.setPixelSize(px)
    return font


def set_plot_fonts(plot: pg.PlotWidget, px: int) -> None:
    item = plot.getPlotItem()
    if item.titleLabel.text:
        item.setTitle(item.titleLabel.text, color="#222", size=f"{round(px * TITLE_SCALE)}px")
    for name in ("left", "bottom"):
        set_axis_fonts(plot.getAxis(name), px)


def set_axis_fonts(axis: pg.AxisItem, px: int) -> None:
    """An axis's tick labels and label at ``px`` pixels (also a colour bar's axis)."""
    axis.setTickFont(pixel_font(px))
    axis.label.setFont(pixel_font(px))
    axis.setStyle(tickTextOffset=max(4, px // 3))
