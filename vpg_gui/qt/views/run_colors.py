"""The colour each run is drawn in, shared by the plots, the diagnostics plot, the run list and
an export's legend, so a run is told by its colour everywhere without a legend on the plots.

    run_color(3)                    # a kept run's colour, faded (its curves)
    item_color(workspace, run)      # the live run's blue, or the run's colour, opaque (a list's swatch)
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from vpg_gui.model.runs import Run, SeedGroup, Workspace

LIVE_COLOR = "#1565c0"
RUN_COLORS = ("#ef6c00", "#00897b", "#5e35b1", "#d81b60", "#7cb342", "#546e7a", "#ffb300", "#039be5")
FADED = 150  # alpha of kept runs and their markers


def run_color(number: int, alpha: int = FADED) -> QColor:
    """A kept run's (or seed group's) colour: fixed by its number, so it never changes while shown."""
    color = QColor(RUN_COLORS[number % len(RUN_COLORS)])
    color.setAlpha(alpha)
    return color


def item_color(workspace: Workspace, item: Run | SeedGroup) -> QColor:
    """The colour ``item`` is drawn in: the live run's blue, else its number's colour (opaque)."""
    return QColor(LIVE_COLOR) if item is workspace.live else run_color(item.number, 255)
