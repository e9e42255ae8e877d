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
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vpg_gui.algo.batch_record import BatchRecord
from vpg_gui.qt.views.plot_fonts import NORMAL_PX, PRESENTATION_PX, pixel_font, set_axis_fonts, set_plot_fonts

SCATTER_POINTS = 800  # at most this many steps drawn in the scatter (every step counts in the fit)
PRESENTATION_PLOT_HEIGHT = 180  # px of each plot in presentation mode: the dock asks the window for them
STAGE_MS = 40  # between the parts of a draw, so each is painted on its own (see _draw)
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
    lengths = record.lengths
    grid = np.full((len(lengths), int(lengths.max())), np.nan)
    row_of = np.empty(len(lengths), int)
    row_of[order] = np.arange(len(order))  # each episode's row
    steps = np.arange(len(per_step)) - np.repeat(record.starts, lengths)  # each step's column
    grid[np.repeat(row_of, lengths), steps] = per_step
    return grid


def nice_ceiling(value: float) -> float:
    """The colour scale's end: 1, 2 or 5 times a power of ten, at least ``value``, so that it (and
    the colour bar's axis, which costs a repaint) rarely changes from epoch to epoch.

    >>> nice_ceiling(0.27), nice_ceiling(61.0), nice_ceiling(0.0)
    (0.5, 100.0, 1.0)
    """
    if not value > 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value * (1 - 1e-12)))


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
        self._shape = (0, 0)
        self.image.mouseClickEvent = self._clicked

    def show_grid(self, grid: np.ndarray, order: np.ndarray) -> None:
        finite = grid[np.isfinite(grid)]
        top = nice_ceiling(float(np.abs(finite).max()) if finite.size else 1.0)
        self.order = order
        self.image.setImage(grid, autoLevels=False, levels=(-top, top))
        self.color_bar.setLevels((-top, top))  # centred on 0: white is "no push either way"
        if grid.shape != self._shape:  # a new range redraws the axes: only when the batch's shape changed
            self._shape = grid.shape
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
        self._variances_of: BatchRecord | None = None
        self._variances: dict[str, float] = {}  # the what-if's choice -> the variance, for _variances_of
        self._drawing = 0  # draws started (a stage of an older one is dropped)
        self.caption = QLabel(objectName="inspectorCaption")
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

    def show_record(self, record: BatchRecord, caption: str, at_once: bool = False) -> None:
        """Show what ``record``'s update did; ``caption`` names the run and epoch. ``at_once``:
        every part drawn before returning (an export), not over three turns of the event loop."""
        self.record = record
        self.caption.setText(f"Inside the update of {caption}")
        self._what_if_allowed(len(record.values) > 0)
        self._draw(at_once)

    def twin(self) -> UpdateInspector:
        """A new inspector showing the same record the same way (what if, row order), at slide
        sizes (22 px text): an export's figure, never on screen."""
        twin = UpdateInspector()
        twin.what_if.setCurrentText(self.what_if.currentText())
        twin.sort.setChecked(self.sort.isChecked())
        twin.set_presentation(True)
        if self.record is not None:
            twin.show_record(self.record, self.caption.text().removeprefix("Inside the update of "), at_once=True)
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
            plot.setMinimumHeight(PRESENTATION_PLOT_HEIGHT if on else 0)  # 22 px axes need room for a plot
            title = plot.getPlotItem().titleLabel
            plot.setTitle(title.text, color="#222", size=f"{px}px")  # the titles at the text's size too
        for image in (self.weights, self.delta):
            set_axis_fonts(image.color_bar.axis, px)
        self.fit_text.setFont(pixel_font(px))
        for widget in (self.caption, self.formula, self.what_if, self.sort, *self.findChildren(QLabel)):
            widget.setFont(pixel_font(px))
        # Fixed heights: a text of another length each epoch must not lay the plots out again.
        lines = self.formula.fontMetrics().lineSpacing()
        self.caption.setFixedHeight(lines + 4)
        self.formula.setFixedHeight(3 * lines + 6)

    def weights_shown(self) -> np.ndarray:
        """The weights the image shows: the update's, or the what-if's."""
        record, choice = self.record, WHAT_IFS[self.what_if.currentText()]
        if choice is None:
            return record.weights
        weighting, normalize, with_values = choice
        return record.what_if(weighting, normalize, record.values if with_values else None)

    def _variance(self, record: BatchRecord, weights: np.ndarray | None) -> float:
        """record.gradient_variance(weights), each at most once per record and weighting (a few ms each)."""
        if self._variances_of is not record:  # another record: the old numbers are not needed
            self._variances_of, self._variances = record, {}
        key = self.what_if.currentText() if weights is not None else AS_TRAINED
        if key not in self._variances:
            self._variances[key] = record.gradient_variance(weights)
        return self._variances[key]

    def _what_if_allowed(self, has_values: bool) -> None:
        """The GAE choice needs the value net's V(s), which only a run with the baseline kept."""
        item = self.what_if.model().item(list(WHAT_IFS).index("GAE advantage (this value net)"))
        item.setEnabled(has_values)
        if not has_values and WHAT_IFS[self.what_if.currentText()] and WHAT_IFS[self.what_if.currentText()][2]:
            self.what_if.setCurrentText(AS_TRAINED)

    def _draw(self, at_once: bool = False) -> None:
        """Draw the record in three parts STAGE_MS apart (the weights and the formula, Δ log π, the
        scatter), each painted on its own: all at once, ~40 ms of drawing and painting made a live
        run's window late (benchmarks/bench_gui.py --inspector). A newer draw drops the rest of an
        older one."""
        self._drawing += 1
        self._draw_weights()
        for later, stage in enumerate((self._draw_delta, self._draw_scatter), start=1):
            if at_once:
                stage()
            else:
                QTimer.singleShot(
                    later * STAGE_MS, self, lambda stage=stage, n=self._drawing: n == self._drawing and stage()
                )

    def _order(self) -> np.ndarray:
        record = self.record
        return np.argsort(-record.returns, kind="stable") if self.sort.isChecked() else np.arange(len(record.lengths))

    def _draw_weights(self) -> None:
        record = self.record
        if record is None:
            return
        weights = self.weights_shown()
        order = self._order()
        trained = self.what_if.currentText() == AS_TRAINED
        name = record.weighting if trained else f"{self.what_if.currentText()} (what if: no training)"
        title = f"weight Φ: {name}"
        if self.weights.getPlotItem().titleLabel.text != title:  # a new title lays the plot out again
            self.weights.setTitle(title, color="#222", size=f"{self._px}px")
        self.weights.show_grid(batch_grid(record, weights, order), order)
        steps = len(record.weights)
        as_trained = record.grad_var or self._variance(record, None)  # the trainer's, unless it had no diagnostics
        variance = f"gradient variance {as_trained:.3g}"
        if not trained:
            variance += f", what if: {self._variance(record, weights):.3g} (weights: mean {weights.mean():.3g})"
        self.formula.setText(
            f"{FORMULA}"
            f"&nbsp;&nbsp; with |D| = {len(record.lengths)} episodes, {steps:,} steps, "
            f"mean Φ = {record.weights.mean():.3g} (spread {record.weights.std():.3g}), "
            f"loss = {record.loss:.4g}<br>{variance}<br>"
            "<i>The loss is only what its gradient needs: its value says nothing "
            "about how well the policy does (the return does).</i>"
        )

    def _draw_delta(self) -> None:
        if self.record is not None:
            order = self._order()
            self.delta.show_grid(batch_grid(self.record, self.record.delta_logp, order), order)

    def _draw_scatter(self) -> None:
        record = self.record
        if record is None:
            return
        steps = len(record.weights)
        pick = np.linspace(0, steps - 1, min(steps, SCATTER_POINTS)).astype(int)
        self.points.setData(record.weights[pick], record.delta_logp[pick])
        lo, hi = float(record.weights.min()), float(record.weights.max())
        slope, mean_w, mean_d = record.slope(), record.weights.mean(), record.delta_logp.mean()
        self.fit.setData([lo, hi], [mean_d + slope * (lo - mean_w), mean_d + slope * (hi - mean_w)])
        self.fit_text.setText(f"slope {slope:.3g}, correlation {record.correlation():.2f}")
        self.fit_text.setPos(lo, float(record.delta_logp.max()))
        self.scatter.autoRange()
