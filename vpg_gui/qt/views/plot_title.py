"""A plot's title that never decides the plot's width: pyqtgraph's title asks for its text's
width, so a long title (or presentation mode's large text) widened the plot past its column (the
return plot, issue 23) or past its panel (the policy heatmap, its colour bar cut off at 1500x860).

    clip_title(plot_widget)          # then plot_widget.setTitle(...) as usual
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QSizeF, Qt


class TitleLabel(pg.LabelItem):
    """A plot title that never sets its plot's minimum width: pyqtgraph's title asks for its
    text's width, so a long title (or large text) widened the plot past its column. Text wider
    than the plot is clipped at the plot's edges."""

    def __init__(self):
        super().__init__()
        self.setFlag(self.GraphicsItemFlag.ItemClipsChildrenToShape)

    def updateMin(self):  # noqa: N802 (pyqtgraph's name)
        super().updateMin()
        self.setMinimumWidth(0)

    def sizeHint(self, which, constraint=None):  # noqa: N802 (Qt's name)
        hint = super().sizeHint(which, QSizeF() if constraint is None else constraint)
        if which == Qt.SizeHint.MinimumSize:
            hint.setWidth(0)
        return hint


def clip_title(plot: pg.PlotWidget) -> None:
    """Give ``plot`` a TitleLabel in place of pyqtgraph's (its setTitle draws into it)."""
    item = plot.getPlotItem()
    item.layout.removeItem(item.titleLabel)
    item.scene().removeItem(item.titleLabel)
    item.titleLabel = TitleLabel()
    item.titleLabel.setParentItem(item)
    item.layout.addItem(item.titleLabel, 0, 1)
