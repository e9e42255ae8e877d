"""Inside the update: what one epoch's policy-gradient step did to each step of its batch.

The whole of the policy gradient is grad J = E[ sum_t grad log pi(a_t|s_t) Phi_t ]. Left, the batch
as an image, one row per episode and one column per step, coloured by the weight Phi_t each
step's log-probability got (diverging colours, 0 white); beside it the same grid coloured by what
the update did, Delta log pi(a_t|s_t) = after minus before; under them every step as a point
(Phi_t, Delta log pi) with the fitted slope and the correlation: "actions in good episodes are made
more likely, actions in bad ones less likely", as a number. What if recomputes the weights of the
same batch under another weighting, without training.

    inspector = UpdateInspector()
    inspector.show_record(record, "epoch 12 (latest)")   # a BatchRecord (algo/batch_record.py)
    inspector.clear("no batch kept for epoch 3")
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vpg_gui.algo.batch_record import BatchRecord
from vpg_gui.qt.views.plot_fonts import NORMAL_PX, PRESENTATION_PX, pixel_font, set_axis_fonts, set_plot_fonts

SCATTER_POINTS = 4000  # at most this many steps drawn in the scatter (every step counts in the fit)
DIVERGING = pg.colormap.get("CET-D1")  # blue below 0, white at 0, red above
AS_TRAINED = "as trained"
FORMULA = (  # the estimator, as the seed post writes it
    "∇J ≈ <sup>1</sup>/<sub>|D|</sub> Σ<sub>τ∈D</sub> Σ<sub>t</sub> ∇ log π(a<sub>t</sub>|s<sub>t</sub>) Φ<sub>t</sub>"
)
WHAT_IFS = {  # the what-if's choice -> (weighting, normalised, with the value net's V(s))
    AS_TRAINED: None,
    "R(tau)": ("episode-return", False, False),
    "reward-to-go": ("reward-to-go", False, False),
    "R(tau), normalised": ("episode-return", True, False),
    "reward-to-go, normalised": ("reward-to-go", True, False),
    "GAE advantage (this value net)": ("reward-to-go", False, True),
}


def batch_grid(record: BatchRecord, per_step: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Episodes as rows (in ``order``), steps as columns, NaN past an episode's end.

    >>> from vpg_gui.algo.batch_record import _example
    >>> batch_grid(_example(), np.array([1.0, 2.0, 3.0]), np.array([1, 0])).tolist()
    [[3.0, nan], [1.0, 2.0]]
    """
    grid = np.full((len(record.lengths), int(record.lengths.max())), np.nan)
    for row, episode in enumerate(order):
        first, n = int(record.starts[episode]), int(record.lengths[episode])
        grid[row, :n] = per_step[first : first + n]
    return grid


class BatchImage(pg.PlotWidget):
    """A batch grid as a diverging image with a colour bar; a click on a row says which episode."""

    row_clicked = Signal(int)  # the episode (its index in the batch)

    def __init__(self, name: str, title: str, parent: QWidget | None = None):
        super().__init__(parent, background="w")
        self.setObjectName(name)
        self.setTitle(title, color="#222")
        self.setLabel("bottom", "step of the episode")
        self.setLabel("left", "episode")
        self.getViewBox().invertY(True)  # the first row at the top, like a table
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.color_bar = pg.ColorBarItem(
            values=(-1.0, 1.0), width=12, colorMap=DIVERGING, interactive=False, colorMapMenu=False
        )
        self.color_bar.setImageItem(self.image, insert_in=self.getPlotItem())
        self.order = np.zeros(0, int)
        self.image.mouseClickEvent = self._clicked

    def show_grid(self, grid: np.ndarray, order: np.ndarray) -> None:
        finite = grid[np.isfinite(grid)]
        top = float(np.abs(finite).max()) if finite.size else 1.0
        top = top if top > 0 else 1.0
        self.order = order
        self.image.setImage(grid, autoLevels=False, levels=(-top, top))
        self.color_bar.setLevels((-top, top))  # centred on 0: white is "no push either way"
        self.autoRange(padding=0)

    def _clicked(self, event) -> None:
        row = int(event.pos().y())
        if 0 <= row < len(self.order):
            self.row_clicked.emit(int(self.order[row]))


class UpdateInspector(QWidget):
    episode_clicked = Signal(int)  # a row of either image: that episode of the batch shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, objectName="updateInspector")
        self.record: BatchRecord | None = None
        self._px = NORMAL_PX
        self.caption = QLabel(objectName="inspectorCaption", wordWrap=True)
        self.formula = QLabel(objectName="updateFormula", wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.what_if = QComboBox(objectName="whatIfCombo")
        self.what_if.addItems(list(WHAT_IFS))
        self.what_if.setToolTip(
            "Weigh the same batch another way, without training: how would the weights, and their spread, change?"
        )
        self.sort = QCheckBox("Rows by return", objectName="sortByReturnCheck", checked=True)
        self.sort.setToolTip("Sort the episodes by their return, the best at the top (else in the order played)")
        self.weights = BatchImage("weightsImage", "weight Φ")
        self.delta = BatchImage("deltaLogpImage", "Δ log π(a|s), after − before")
        self.scatter = pg.PlotWidget(background="w")
        self.scatter.setObjectName("weightScatter")
        self.scatter.setLabel("bottom", "weight Φ of the step")
        self.scatter.setLabel("left", "Δ log π(a|s)")
        self.points = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(30, 90, 160, 90))
        self.fit = pg.PlotCurveItem(pen=pg.mkPen("#c62828", width=2))
        self.fit_text = pg.TextItem(color="#c62828", anchor=(0, 0))
        for item in (self.points, self.fit, self.fit_text):
            self.scatter.addItem(item)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("What if the weights were"))
        bar.addWidget(self.what_if)
        bar.addWidget(self.sort)
        bar.addStretch(1)
        grid = QGridLayout()
        grid.addWidget(self.weights, 0, 0)
        grid.addWidget(self.delta, 0, 1)
        grid.addWidget(self.scatter, 0, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.formula)
        layout.addLayout(bar)
        layout.addLayout(grid, 1)
        for image in (self.weights, self.delta):
            image.row_clicked.connect(self.episode_clicked)
        self.what_if.currentIndexChanged.connect(self._draw)
        self.sort.toggled.connect(self._draw)
        self.set_presentation(False)
        self.clear("Train an epoch: its update shows here")

    def show_record(self, record: BatchRecord, caption: str) -> None:
        """Show what ``record``'s update did; ``caption`` names the run and epoch."""
        self.record = record
        self.caption.setText(f"Inside the update of {caption}")
        self._what_if_allowed(len(record.values) > 0)
        self._draw()

    def twin(self) -> UpdateInspector:
        """A new inspector showing the same record the same way (what if, row order), at slide
        sizes (22 px text): an export's figure, never on screen."""
        twin = UpdateInspector()
        twin.what_if.setCurrentText(self.what_if.currentText())
        twin.sort.setChecked(self.sort.isChecked())
        twin.set_presentation(True)
        if self.record is not None:
            twin.show_record(self.record, self.caption.text().removeprefix("Inside the update of "))
        return twin

    def clear(self, why: str) -> None:
        self.record = None
        self.caption.setText(why)
        self.formula.setText("")
        for image in (self.weights, self.delta):
            image.image.clear()
        self.points.clear()
        self.fit.setData([], [])
        self.fit_text.setText("")

    def set_presentation(self, on: bool) -> None:
        px = self._px = PRESENTATION_PX if on else NORMAL_PX
        for plot in (self.weights, self.delta, self.scatter):
            set_plot_fonts(plot, px)
        for image in (self.weights, self.delta):
            set_axis_fonts(image.color_bar.axis, px)
        self.fit_text.setFont(pixel_font(px))
        for widget in (self.caption, self.formula, self.what_if, self.sort, *self.findChildren(QLabel)):
            widget.setFont(pixel_font(px))

    def weights_shown(self) -> np.ndarray:
        """The weights the image shows: the update's, or the what-if's."""
        record, choice = self.record, WHAT_IFS[self.what_if.currentText()]
        if choice is None:
            return record.weights
        weighting, normalize, with_values = choice
        return record.what_if(weighting, normalize, record.values if with_values else None)

    def _what_if_allowed(self, has_values: bool) -> None:
        """The GAE choice needs the value net's V(s), which only a run with the baseline kept."""
        item = self.what_if.model().item(list(WHAT_IFS).index("GAE advantage (this value net)"))
        item.setEnabled(has_values)
        if not has_values and WHAT_IFS[self.what_if.currentText()] and WHAT_IFS[self.what_if.currentText()][2]:
            self.what_if.setCurrentText(AS_TRAINED)

    def _draw(self) -> None:
        record = self.record
        if record is None:
            return
        weights = self.weights_shown()
        order = np.argsort(-record.returns, kind="stable") if self.sort.isChecked() else np.arange(len(record.lengths))
        trained = self.what_if.currentText() == AS_TRAINED
        name = record.weighting if trained else f"{self.what_if.currentText()} (what if: no training)"
        self.weights.setTitle(f"weight Φ: {name}", color="#222", size=f"{self._px}px")
        self.weights.show_grid(batch_grid(record, weights, order), order)
        self.delta.show_grid(batch_grid(record, record.delta_logp, order), order)
        steps = len(record.weights)
        pick = np.linspace(0, steps - 1, min(steps, SCATTER_POINTS)).astype(int)
        self.points.setData(record.weights[pick], record.delta_logp[pick])
        lo, hi = float(record.weights.min()), float(record.weights.max())
        slope, mean_w, mean_d = record.slope(), record.weights.mean(), record.delta_logp.mean()
        self.fit.setData([lo, hi], [mean_d + slope * (lo - mean_w), mean_d + slope * (hi - mean_w)])
        self.fit_text.setText(f"slope {slope:.3g}, correlation {record.correlation():.2f}")
        self.fit_text.setPos(lo, float(record.delta_logp.max()))
        self.scatter.autoRange()
        variance = f"gradient variance {record.gradient_variance():.3g}"
        if not trained:
            variance += f", what if: {record.gradient_variance(weights):.3g} (weights: mean {weights.mean():.3g})"
        self.formula.setText(
            f"{FORMULA}"
            f"&nbsp;&nbsp; with |D| = {len(record.lengths)} episodes, {steps:,} steps, "
            f"mean Φ = {record.weights.mean():.3g} (spread {record.weights.std():.3g}), "
            f"loss = {record.loss:.4g}<br>{variance}<br>"
            "<i>The loss is only what its gradient needs: its value says nothing "
            "about how well the policy does (the return does).</i>"
        )
