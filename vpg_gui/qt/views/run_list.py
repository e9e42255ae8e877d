"""The runs on screen, listed beside the plots instead of a legend inside them: one row per run
(or seed group) in its colour, labelled by what sets it apart (the model's labels), elided to
the list's width with the whole label in its tooltip. A row's check box shows or hides the run;
Delete or the row's menu removes a kept run; hovering or selecting a row draws that run thick.
Every change is a command to the workspace, which owns what is shown.

    runs = RunList(workspace)
    runs.highlighted.connect(plots.set_highlight)   # a run number, or None
    runs.labels()                                   # the rows' full labels, top to bottom
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QSizePolicy

from vpg_gui.model.runs import Workspace
from vpg_gui.qt.views.run_colors import item_color

NUMBER = Qt.ItemDataRole.UserRole


def _swatch(color: QColor, px: int) -> QIcon:
    """A short thick line in the run's colour, as a legend would draw it."""
    pixmap = QPixmap(2 * px, px)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.fillRect(0, px // 2 - max(px // 8, 1), 2 * px, max(px // 4, 2), color)
    painter.end()
    return QIcon(pixmap)


class RunList(QListWidget):
    highlighted = Signal(object)  # the hovered or selected row's run number, or None

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent, objectName="runList")
        self.workspace = workspace
        self.setToolTip("The runs on the plots: untick to hide one, Delete (or right-click) to remove a kept run")
        # Labels elide to the list's width: the list (and the plots beside it) never widens for a label.
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)  # itemEntered: hovering a row highlights its run
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.remove_action = QAction("Remove from the plots", self, objectName="removeRunAction")
        self.remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self.remove_current)
        self.addAction(self.remove_action)
        self.itemChanged.connect(self._on_checked)
        self.itemEntered.connect(lambda item: self.highlighted.emit(item.data(NUMBER)))
        self.currentItemChanged.connect(self._on_current)
        self._shown_rows: list = []  # what the rows were built from
        # Not epoch_added: most epochs change no label (labels_changed says when one may).
        for event in (
            workspace.live_changed,
            workspace.runs_changed,
            workspace.settings_changed,
            workspace.labels_changed,
        ):
            event.connect(self.render)
        self.render()

    def labels(self) -> list[str]:
        """The rows' full labels, top to bottom."""
        return [self.item(i).toolTip() for i in range(self.count())]

    def render(self) -> None:
        """Rows for the workspace's listed runs; untouched when nothing a row shows changed (most epochs)."""
        ws = self.workspace
        listed = ws.listed()
        px = self.fontMetrics().height()
        rows = [(item.number, label, item_color(ws, item).name(), ws.shown(item), px) for item, label in listed]
        if rows == self._shown_rows:
            return
        self._shown_rows = rows
        current = self._selected()
        self.blockSignals(True)  # rebuilding is not the user ticking boxes
        try:
            self.clear()
            self.setIconSize(QSize(2 * px, px))
            for number, label, color, shown, _ in rows:
                row = QListWidgetItem(_swatch(QColor(color), px), label)
                row.setToolTip(label)
                row.setData(NUMBER, number)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
                self.addItem(row)
                if number == current:
                    self.setCurrentItem(row)
        finally:
            self.blockSignals(False)

    def remove_current(self) -> None:
        """Remove the selected kept run or seed group (the live run is hidden, not removed)."""
        number = self._selected()
        if number is not None:
            self.workspace.remove(number)

    def _on_checked(self, row: QListWidgetItem) -> None:
        self.workspace.set_shown(row.data(NUMBER), row.checkState() == Qt.CheckState.Checked)

    def _on_current(self, row: QListWidgetItem | None, _previous=None) -> None:
        self.remove_action.setEnabled(row is not None and row.data(NUMBER) != self.workspace.live.number)
        self.highlighted.emit(self._selected())

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Off the list, the selected row's run stays highlighted (or none)."""
        self.highlighted.emit(self._selected())
        super().leaveEvent(event)

    def _selected(self) -> int | None:
        """The selected row's run number, or None."""
        row = self.currentItem()
        return row.data(NUMBER) if row is not None else None

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presentation mode: swatches follow the text size
            self._shown_rows = []
            self.render()
