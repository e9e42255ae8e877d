"""Seeing the policy beside the rendered episode: bars of the current step's action
probabilities, and for CartPole a heatmap of P(push right) over pole angle x angular velocity.

    probs = ActionProbsView()
    probs.set_probs(("push left", "push right"), np.array([0.3, 0.7]))
    heatmap = PolicyHeatmap()
    heatmap.set_policy(snapshot)   # redrawn at most every REFRESH_MS, however fast epochs come
    heatmap.set_batch(record, before)  # the batch's episodes as paths, each step coloured by its weight;
    heatmap.show_change(True)          # and P(right) after the update minus before (``before``'s policy)
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from vpg_gui.playback.policy_view import ANGLE_LIMIT, ANGULAR_VELOCITY_LIMIT, cartpole_heatmap
from vpg_gui.qt.views.plot_fonts import NORMAL_PX, PRESENTATION_PX, set_axis_fonts, set_plot_fonts
from vpg_gui.qt.views.plot_title import clip_title

REFRESH_MS = 500  # the policy's shape changes slowly; redrawing the map costs the GUI thread
DIVERGING = pg.colormap.get("CET-D1")  # blue below 0 (or left), white at 0 (or even odds), red above
DOT_COLORS = DIVERGING.getLookupTable(nPts=256, alpha=True)  # the batch's dots, by weight (RGBA)
MAX_DOTS = 3000  # steps of a batch drawn on the map (whole episodes, evenly chosen)
DOT_GRID = 300  # the dots' layer is an image this many pixels a side over the map; a dot is 3x3 of them
BAR = QColor("#1565c0")
CHOSEN = QColor("#e65100")


class ActionProbsView(QWidget):
    """Discrete actions: one horizontal bar per action, its probability written beside it, the
    most likely in orange. Continuous: per action dimension, the Gaussian's mean (a tick) and
    mean +- std (a bar) on the axis of the action's bounds."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="actionProbsView")
        self.setToolTip(
            "The policy's probability of each action in the state on screen. Training samples from these; "
            "Greedy playback takes the longest bar."
        )
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.names: tuple[str, ...] = ()
        self.probs = np.zeros(0)
        self.gaussian = None  # (mean, std, low, high) arrays for continuous actions
        self._fit_height()

    def set_probs(self, names: tuple[str, ...], probs: np.ndarray | None) -> None:
        self._set_names(names)
        self.probs = np.zeros(len(names)) if probs is None else np.asarray(probs, float)
        self.gaussian = None
        self.update()

    def set_gaussian(self, names: tuple[str, ...], mean_std, low: np.ndarray, high: np.ndarray) -> None:
        """``mean_std`` None (the random policy) draws the bounds only."""
        self._set_names(names)
        self.gaussian = (*(mean_std or (None, None)), np.asarray(low, float), np.asarray(high, float))
        self.update()

    def _set_names(self, names: tuple[str, ...]) -> None:
        if names != self.names:
            self.names = names
            self._fit_height()

    def _fit_height(self) -> None:
        self.setFixedHeight(self._row() * max(2, len(self.names)) + 8)

    def _row(self) -> int:
        """One action's row height: its text, with room to breathe."""
        return round(1.6 * self.fontMetrics().height())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: rows as tall as the text
            self._fit_height()
        super().changeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#fafafa"))
        font = QFont(self.font())
        painter.setFont(font)
        row = self._row()
        label_w = max((self.fontMetrics().horizontalAdvance(n) for n in self.names), default=60) + 12
        bar_w = max(10, self.width() - label_w - (6 if self.gaussian is not None else 3) * row)
        if self.gaussian is not None:
            self._paint_gaussian(painter, label_w, bar_w, row)
            painter.end()
            return
        best = int(np.argmax(self.probs)) if len(self.probs) else -1
        for i, (name, p) in enumerate(zip(self.names, self.probs, strict=True)):
            y = 4 + row * i
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(4, y, label_w - 8, row - 2), Qt.AlignmentFlag.AlignVCenter, name)
            painter.fillRect(QRectF(label_w, y + row * 0.15, bar_w * p, row * 0.6), CHOSEN if i == best else BAR)
            value = QRectF(label_w + bar_w * p + 4, y, 3 * row, row - 2)
            painter.drawText(value, Qt.AlignmentFlag.AlignVCenter, f"{p:.2f}")
        painter.end()

    def _paint_gaussian(self, painter: QPainter, label_w: float, bar_w: float, row: int) -> None:
        mean, std, low, high = self.gaussian
        for i, name in enumerate(self.names):
            y = 4 + row * i
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(4, y, label_w - 8, row - 2), Qt.AlignmentFlag.AlignVCenter, name)
            painter.drawLine(QPointF(label_w, y + row / 2), QPointF(label_w + bar_w, y + row / 2))  # the bounds

            def at(v, i=i):
                return label_w + bar_w * float(np.clip((v - low[i]) / (high[i] - low[i]), 0, 1))

            if mean is None:
                continue
            painter.fillRect(QRectF(at(mean[i] - std[i]), y + 4, at(mean[i] + std[i]) - at(mean[i] - std[i]), 12), BAR)
            painter.fillRect(QRectF(at(mean[i]) - 1.5, y + 1, 3, 18), CHOSEN)
            text = f"{mean[i]:.2f} ± {std[i]:.2f}"
            painter.drawText(QRectF(label_w + bar_w + 4, y, 6 * row, row - 2), Qt.AlignmentFlag.AlignVCenter, text)


class PolicyHeatmap(pg.PlotWidget):
    """P(push right) with the cart at rest, over pole angle (x, degrees) and angular velocity (y)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, background="w")
        self.setObjectName("policyHeatmap")
        clip_title(self)  # its 22 px title had pushed the colour bar out of the panel
        self.setTitle("P(push right), cart at rest", color="#222", size="10pt")
        self.setLabel("bottom", "pole angle (degrees)")
        self.setLabel("left", "angular velocity (rad/s)")
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setToolTip(
            "For each pole angle and angular velocity (cart still, in the middle), how likely the policy is to "
            "push right: blue left, red right. A good policy pushes toward the side the pole falls to."
        )
        self.image = pg.ImageItem(axisOrder="row-major")
        colors = pg.colormap.get("CET-D1")
        self.image.setLookupTable(colors.getLookupTable(nPts=256))
        self.image.setLevels((0.0, 1.0))
        # The colours' numbers, beside the map: 0 (always left) to 1 (always right), 0.5 white.
        self.color_bar = pg.ColorBarItem(
            values=(0.0, 1.0), width=12, colorMap=colors, label="P(right)", interactive=False, colorMapMenu=False
        )
        self.color_bar.setImageItem(self.image, insert_in=self.getPlotItem())
        degrees = np.degrees(ANGLE_LIMIT)
        # Applied with every image: a rect set before the first image scales by an unknown size.
        self._rect = QRectF(-degrees, -ANGULAR_VELOCITY_LIMIT, 2 * degrees, 2 * ANGULAR_VELOCITY_LIMIT)
        self.addItem(self.image)
        self.setRange(xRange=(-degrees, degrees), yRange=(-ANGULAR_VELOCITY_LIMIT, ANGULAR_VELOCITY_LIMIT), padding=0)
        self.grid: np.ndarray | None = None  # the probabilities drawn (or their change)
        # The batch the policy was updated on: each episode a path (pole angle, angular velocity),
        # each step a dot coloured by the weight its action got; drawn over the map, never scaling it.
        self.paths = pg.PlotCurveItem(pen=pg.mkPen(60, 60, 60, 70, width=1), connect="pairs")
        # The dots are pixels of a transparent image laid over the map: one numpy fill and one
        # setImage a batch (a scatter with a colour per step cost pyqtgraph 14-30 ms).
        self.dots = pg.ImageItem(axisOrder="row-major")
        self.dots.setZValue(5)
        for item in (self.paths, self.dots):
            self.addItem(item, ignoreBounds=True)
        self._record = None
        self._before = None  # the policy before the update, for the change map
        self.change = False  # drawing P(right) after minus before
        self.set_presentation(False)  # the sizes leaving presentation mode comes back to
        self._policy = None
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS, timeout=self._draw)

    def set_presentation(self, on: bool) -> None:
        set_plot_fonts(self, PRESENTATION_PX if on else NORMAL_PX)
        for axis in (self.color_bar.axis, self.color_bar.getAxis("left")):  # its ticks, and its label's side
            set_axis_fonts(axis, PRESENTATION_PX if on else NORMAL_PX)

    def set_policy(self, policy, at_once: bool = False) -> None:
        """Map ``policy``: within REFRESH_MS (epochs coming fast redraw it once), or ``at_once``
        (another epoch was picked: the map must show it now)."""
        self._policy = policy
        if at_once:
            self._timer.stop()
            self._draw()
        elif not self._timer.isActive():
            self._timer.start()

    def set_batch(self, record, before, at_once: bool = False) -> None:
        """Draw ``record``'s batch (a BatchRecord, or None for none) over the map with the policy
        (throttled like it, or ``at_once``); ``before``: the policy before its update (None when
        not kept: no change map)."""
        self._record, self._before = record, before
        if at_once:
            self._timer.stop()
            self._draw()
        elif not self._timer.isActive():
            self._timer.start()

    def _draw_batch(self) -> None:
        """Paths and dots of the batch: whole episodes, every k-th one past MAX_DOTS steps; the
        dots' colours in 17 shades, so pyqtgraph renders 17 symbols, not one per step."""
        record = self._record
        if record is None:
            self.paths.setData([], [])
            self.dots.clear()
            return
        stride = max(1, int(np.ceil(record.lengths.sum() / MAX_DOTS)))
        chosen = np.zeros(len(record.weights), bool)
        for episode in range(0, len(record.lengths), stride):
            first = int(record.starts[episode])
            chosen[first : first + int(record.lengths[episode])] = True
        ends = np.zeros(len(record.weights), bool)
        ends[np.cumsum(record.lengths) - 1] = True
        angle, velocity = np.degrees(record.obs[:, 2]), record.obs[:, 3]
        pairs = np.flatnonzero(chosen & ~ends)  # no segment from an episode's end to the next's start
        self.paths.setData(
            np.column_stack([angle[pairs], angle[pairs + 1]]).ravel(),
            np.column_stack([velocity[pairs], velocity[pairs + 1]]).ravel(),
        )
        weights = record.weights[chosen]
        top = max(float(np.abs(weights).max()), 1e-12)
        order = np.argsort(np.abs(weights), kind="stable")  # the strongest weights drawn last, on top
        shades = np.clip(np.round((weights[order] / top + 1) / 2 * 255), 0, 255).astype(int)
        rect = self._rect
        col = np.round((angle[chosen][order] - rect.left()) / rect.width() * (DOT_GRID - 1)).astype(int)
        row = np.round((velocity[chosen][order] - rect.top()) / rect.height() * (DOT_GRID - 1)).astype(int)
        inside = (col >= 1) & (col < DOT_GRID - 1) & (row >= 1) & (row < DOT_GRID - 1)
        layer = np.zeros((DOT_GRID, DOT_GRID, 4), np.ubyte)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                layer[row[inside] + dr, col[inside] + dc] = DOT_COLORS[shades[inside]]
        self.dots.setImage(layer, autoLevels=False, rect=rect)

    def show_change(self, on: bool) -> None:
        """The map shows P(right) after the update minus before (blue: pushes left more, red:
        right more), where the batch's weights pushed it; off: P(right) itself."""
        self.change = on
        self._draw()

    def _draw(self) -> None:
        self._draw_batch()
        if self._policy is None:
            self.grid = None
            self.image.clear()
            return
        self.grid = cartpole_heatmap(self._policy)
        levels, title = (0.0, 1.0), "P(push right), cart at rest"
        if (
            self.change
            and self._before is not None
            and self._before.layers[0][0].shape == self._policy.layers[0][0].shape
        ):
            self.grid = self.grid - cartpole_heatmap(self._before)
            top = max(float(np.abs(self.grid).max()), 1e-6)
            levels, title = (-top, top), "change of P(push right) in this update"
        self.getPlotItem().titleLabel.setText(title)  # keeps its font (set_plot_fonts)
        self.color_bar.setLevels(levels)
        self.image.setImage(self.grid, autoLevels=False, levels=levels, rect=self._rect)
