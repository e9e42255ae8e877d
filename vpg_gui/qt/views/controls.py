"""The hyperparameter form <-> TrainConfig, both directions.

Ranges and tooltips come from TrainConfig's field metadata, so the form, the CLI and the
validator agree. The essentials come first (environment, learning rate, batch steps, epochs,
weighting); the estimator, the network and the physics are sections that fold away, so the
form is short and narrow enough to leave the plots their room on a 1024x600 screen.
``edited`` fires on any user change; ``config()`` reads the form (raising
ConfigError naming the field when the text in it is not valid) and ``set_config`` fills it.

    panel = ControlsPanel(TrainConfig(lr=0.05))
    panel.findChild(QDoubleSpinBox, "lrSpin").value()   # 0.05
    panel.config().lr                                    # 0.05
"""

from __future__ import annotations

import importlib.util
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vpg_gui.config import (
    ACTIVATIONS,
    BASELINES,
    COLD_FIELDS,
    WEIGHTINGS,
    ConfigError,
    TrainConfig,
    field_help,
    field_range,
    format_sizes,
    parse_sizes,
)
from vpg_gui.envs.ids import allow_module
from vpg_gui.envs.physics import KNOBS, defaults, knobs
from vpg_gui.qt.views.field_keys import FieldKeys

# The environments offered; "Other..." asks for any other registered id, or "package.module:Env-v0".
ENVIRONMENTS = ("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1", "MountainCarContinuous-v0")
BOX2D_ENVIRONMENTS = ("LunarLander-v3", "LunarLanderContinuous-v3")
OTHER = "Other..."
BOX2D_HINT = "needs Box2D: pip install swig 'gymnasium[box2d]'"
_LR_TICKS_PER_DECADE = 100  # the slider moves lr on a log scale, 1/100 of a decade per tick


class Section(QWidget):
    """Form rows under a header button that folds them away (objectName ``<name>Section``).

    section = Section("Estimator", "estimator")
    section.form.addRow("Discount γ", gamma_spin)
    section.set_expanded(True)   # its rows show; the header's arrow points down
    """

    def __init__(self, title: str, name: str, parent: QWidget | None = None):
        super().__init__(parent, objectName=f"{name}Section")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.header = QToolButton(text=title, checkable=True, objectName=f"{name}Header", autoRaise=True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setToolTip(f"Show or hide the {title.lower()} settings")
        self.header.toggled.connect(self.set_expanded)
        layout.addWidget(self.header)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(self.body)
        self.set_expanded(False)

    def set_expanded(self, on: bool) -> None:
        self.header.setChecked(on)
        self.header.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)


class ControlsPanel(QWidget):
    edited = Signal()

    def __init__(self, config: TrainConfig, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        essentials = QWidget()
        form = self._essentials = QFormLayout(essentials)
        form.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(essentials)
        self.sections = {
            name: Section(title, name)
            for name, title in (("estimator", "Estimator"), ("network", "Network and seed"), ("physics", "Physics"))
        }
        for section in self.sections.values():
            layout.addWidget(section)
        self._form_of: dict[QWidget, QFormLayout] = {}  # each row's field widget -> the form holding it
        self.rows: dict[str, QWidget] = {}
        self.pending_hints: dict[str, QLabel] = {}
        self._pending: list[str] = []
        self._presenting = False

        # Picked from a list, not typed: a key pressed there is never text (R resets, it does not
        # turn CartPole-v1 into CartPole-v1r).
        self.env = QComboBox(objectName="envCombo")
        # As narrow as a short id (long ones show in full in its list): the form leaves the plots their room.
        self.env.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.env.setMinimumContentsLength(12)
        self.env.addItems(ENVIRONMENTS)
        box2d = importlib.util.find_spec("Box2D") is not None
        for env_id in BOX2D_ENVIRONMENTS:  # listed either way, saying how to get them if missing
            self.env.addItem(env_id if box2d else f"{env_id} ({BOX2D_HINT})")
            if not box2d:
                item = self.env.model().item(self.env.count() - 1)
                item.setEnabled(False)
                item.setToolTip(f"{env_id} {BOX2D_HINT}, then restart vpg-gui")
        self.env.addItem(OTHER)
        self.env.view().setMinimumWidth(self.env.view().sizeHintForColumn(0) + 20)
        self._add(form, "env_id", "Environment", self.env)

        self.lr = QDoubleSpinBox(objectName="lrSpin", decimals=6)
        self.lr.setRange(*field_range("lr"))
        self.lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        lo, hi = (round(math.log10(v) * _LR_TICKS_PER_DECADE) for v in field_range("lr"))
        self.lr_slider = QSlider(Qt.Orientation.Horizontal, objectName="lrSlider", minimum=lo, maximum=hi)
        self.lr_slider.setToolTip(field_help("lr") + " (log scale)")
        lr_row = QWidget()
        row = QHBoxLayout(lr_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.lr, 1)
        row.addWidget(self.lr_slider, 2)
        self._add(form, "lr", "Learning rate", lr_row, tooltip_on=self.lr)

        self.batch_steps = self._int_spin("batchStepsSpin", "batch_steps", step=500)
        self._add(form, "batch_steps", "Batch steps", self.batch_steps)
        self.epochs = self._int_spin("epochsSpin", "epochs", step=10)
        self.epochs.setSpecialValueText("until stopped")
        self._add(form, "epochs", "Epochs", self.epochs)

        self.weighting = QComboBox(objectName="weightingCombo")
        self.weighting.addItems(WEIGHTINGS)
        self._add(form, "weighting", "Weighting", self.weighting)

        form = self.sections["estimator"].form
        self.gamma = QDoubleSpinBox(objectName="gammaSpin", decimals=3, singleStep=0.01)
        self.gamma.setRange(*field_range("gamma"))
        self._add(form, "gamma", "Discount γ", self.gamma)
        self.baseline = QComboBox(objectName="baselineCombo")
        self.baseline.addItems(BASELINES)
        self._add(form, "baseline", "Baseline", self.baseline)
        self.value_lr = QDoubleSpinBox(objectName="valueLrSpin", decimals=6)
        self.value_lr.setRange(*field_range("value_lr"))
        self.value_lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self._add(form, "value_lr", "Value lr", self.value_lr)
        self.value_iters = self._int_spin("valueItersSpin", "value_iters", step=5)
        self._add(form, "value_iters", "Value iters", self.value_iters)
        self.gae_lambda = QDoubleSpinBox(objectName="gaeLambdaSpin", decimals=3, singleStep=0.01)
        self.gae_lambda.setRange(*field_range("gae_lambda"))
        self._add(form, "gae_lambda", "GAE λ", self.gae_lambda)
        self.normalize = QCheckBox("normalise advantages", objectName="normalizeCheck")
        self._add(form, "normalize_advantages", "", self.normalize)
        self.entropy_coef = QDoubleSpinBox(objectName="entropyCoefSpin", decimals=4, singleStep=0.001)
        self.entropy_coef.setRange(*field_range("entropy_coef"))
        self._add(form, "entropy_coef", "Entropy bonus", self.entropy_coef)

        form = self.sections["network"].form
        self.hidden_sizes = QLineEdit(objectName="hiddenSizesEdit", placeholderText="e.g. 32 or 64,64")
        self._add(form, "hidden_sizes", "Hidden sizes", self.hidden_sizes)
        self.activation = QComboBox(objectName="activationCombo")
        self.activation.addItems(ACTIVATIONS)
        self._add(form, "activation", "Activation", self.activation)
        self.seed = self._int_spin("seedSpin", "seed", step=1)
        self._add(form, "seed", "Seed", self.seed)
        self.num_envs = self._int_spin("numEnvsSpin", "num_envs", step=1)
        self.num_envs.setSpecialValueText("auto")
        self._add(form, "num_envs", "Parallel envs", self.num_envs)

        # Physics knobs (physics.py): one spin box per knob of every env that has some; only the
        # current env's are shown. Hot: they apply from the next epoch.
        form = self.sections["physics"].form
        self.physics: dict[str, QDoubleSpinBox] = {}
        for knob_set in KNOBS.values():
            for name, (lo, hi, help_text) in knob_set.items():
                spin = QDoubleSpinBox(objectName=f"physics_{name}", decimals=3, singleStep=0.1)
                spin.setRange(lo, hi)
                spin.setToolTip(f"{help_text} Changes apply from the next epoch, to every env copy and the replay.")
                form.addRow(name, spin)
                form.labelForField(spin).setToolTip(spin.toolTip())
                self._form_of[spin] = form
                self.physics[name] = spin
        self._knob_env = None

        self.error = QLabel(objectName="controlsError", wordWrap=True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.set_config(config)
        self._shown_env = self.env.currentText()  # what "Other..." falls back to when cancelled
        for signal in (
            self.env.currentTextChanged,
            self.lr.valueChanged,
            self.batch_steps.valueChanged,
            self.epochs.valueChanged,
            self.weighting.currentTextChanged,
            self.gamma.valueChanged,
            self.baseline.currentTextChanged,
            self.value_lr.valueChanged,
            self.value_iters.valueChanged,
            self.gae_lambda.valueChanged,
            self.normalize.toggled,
            self.entropy_coef.valueChanged,
            self.hidden_sizes.textEdited,
            self.activation.currentTextChanged,
            self.seed.valueChanged,
            self.num_envs.valueChanged,
            *(spin.valueChanged for spin in self.physics.values()),
        ):
            signal.connect(self._on_edit)
        self.env.currentTextChanged.connect(lambda env_id: self._show_knobs(env_id.strip()))
        self.env.activated.connect(self._on_env_picked)
        self._keys = FieldKeys(self)  # Space, N, R, P reach the window even while a number is edited
        for field in (*self.findChildren(QAbstractSpinBox), self.hidden_sizes):
            self._keys.watch(field)
        self.lr.valueChanged.connect(self._lr_to_slider)
        self.lr_slider.valueChanged.connect(self._slider_to_lr)

    def _int_spin(self, name: str, field: str, step: int) -> QSpinBox:
        spin = QSpinBox(objectName=name, singleStep=step)
        spin.setRange(*(int(v) for v in field_range(field)))
        spin.setGroupSeparatorShown(True)
        return spin

    def _add(self, form: QFormLayout, field: str, label: str, widget: QWidget, tooltip_on: QWidget | None = None):
        (tooltip_on or widget).setToolTip(field_help(field))
        form.addRow(label, widget)
        if label:
            form.labelForField(widget).setToolTip(field_help(field))
        self.rows[field] = widget
        self._form_of[widget] = form
        if field in COLD_FIELDS:  # says so when an edit waits for Reset
            hint = QLabel("applies on Reset", objectName=f"pending_{field}")
            hint.setStyleSheet("color: #c62828; font-style: italic;")
            form.addRow("", hint)
            form.setRowVisible(hint, False)
            self._form_of[hint] = form
            self.pending_hints[field] = hint

    def _show_row(self, widget: QWidget, on: bool) -> None:
        self._form_of[widget].setRowVisible(widget, on)

    def _unfold(self, widget: QWidget) -> None:
        """Open the section holding ``widget``: a field at fault or waiting for Reset is never folded away."""
        for section in self.sections.values():
            if section.form is self._form_of.get(widget):
                section.set_expanded(True)

    # --- form <-> config ---------------------------------------------------------------------

    def config(self) -> TrainConfig:
        """The form's settings, validated; ConfigError names the field at fault.

        The environment box holds what the user typed or chose, or an id a file brought that was
        checked before it was shown (so its module, if any, is one the user allowed already):
        a ``module:id`` in it may import its module (envs/ids.py).
        """
        env_id = self.env.currentText().strip()
        allow_module(env_id)
        return TrainConfig(
            env_id=env_id,
            hidden_sizes=parse_sizes(self.hidden_sizes.text()),
            activation=self.activation.currentText(),
            lr=self.lr.value(),
            batch_steps=self.batch_steps.value(),
            epochs=self.epochs.value(),
            gamma=self.gamma.value(),
            weighting=self.weighting.currentText(),
            baseline=self.baseline.currentText(),
            value_lr=self.value_lr.value(),
            value_iters=self.value_iters.value(),
            gae_lambda=self.gae_lambda.value(),
            normalize_advantages=self.normalize.isChecked(),
            entropy_coef=self.entropy_coef.value(),
            seed=self.seed.value(),
            num_envs=self.num_envs.value(),
            physics=self._physics_set(),
        ).validate()

    def _physics_set(self) -> tuple[tuple[str, float], ...]:
        """The shown knobs whose values differ from the env's defaults (the rest stay default)."""
        base = _knob_defaults(self.env.currentText().strip())
        return tuple(
            sorted(
                (name, self.physics[name].value())
                for name in base
                if abs(self.physics[name].value() - base[name]) > 1e-9
            )
        )

    def _show_knobs(self, env_id: str, physics: tuple = ()) -> None:
        """Show ``env_id``'s knobs, set to ``physics`` over the env's defaults."""
        base = _knob_defaults(env_id)
        self._show_sections(has_knobs=bool(base))
        for name, spin in self.physics.items():
            self._show_row(spin, name in base)
            if name in base:
                spin.blockSignals(True)
                spin.setValue(dict(physics).get(name, base[name]))
                spin.blockSignals(False)

    def set_config(self, config: TrainConfig) -> None:
        widgets = (self.env, self.lr, self.lr_slider, self.batch_steps, self.epochs, self.weighting)
        widgets += (self.gamma, self.hidden_sizes, self.activation, self.seed, self.num_envs, self.baseline)
        widgets += (self.value_lr, self.value_iters, self.gae_lambda, self.normalize, self.entropy_coef)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.choose_env(config.env_id)
            self.lr.setValue(config.lr)
            self.lr_slider.setValue(round(math.log10(config.lr) * _LR_TICKS_PER_DECADE))
            self.batch_steps.setValue(config.batch_steps)
            self.epochs.setValue(config.epochs)
            self.weighting.setCurrentText(config.weighting)
            self.gamma.setValue(config.gamma)
            self.baseline.setCurrentText(config.baseline)
            self.value_lr.setValue(config.value_lr)
            self.value_iters.setValue(config.value_iters)
            self.gae_lambda.setValue(config.gae_lambda)
            self.normalize.setChecked(config.normalize_advantages)
            self.entropy_coef.setValue(config.entropy_coef)
            self.hidden_sizes.setText(format_sizes(config.hidden_sizes))
            self.activation.setCurrentText(config.activation)
            self.seed.setValue(config.seed)
            self.num_envs.setValue(config.num_envs)
            self._show_knobs(config.env_id, config.physics)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self.show_error(None)

    def show_pending(self, fields: list[str]) -> None:
        """Mark the cold settings edited during a run: they apply on Reset."""
        self._pending = list(fields)
        for field, hint in self.pending_hints.items():
            self._show_row(hint, field in fields)
            if field in fields:
                self._unfold(hint)

    def set_presentation(self, on: bool) -> None:
        """Presentation mode keeps only the learning rate in view."""
        self._presenting = on
        for field, widget in self.rows.items():
            if field != "lr" and self._form_of[widget] is self._essentials:
                self._show_row(widget, not on)
        self._show_sections(has_knobs=bool(_knob_defaults(self.env.currentText().strip())))
        self.show_pending([] if on else self._pending)

    def _show_sections(self, has_knobs: bool) -> None:
        """The folding sections, out of presentation mode; Physics only for an env with knobs."""
        for name, section in self.sections.items():
            section.setVisible(not self._presenting and (name != "physics" or has_knobs))

    def show_error(self, error: ConfigError | None) -> None:
        """Show why the form is not valid beside it (or clear it), and mark the field at fault."""
        for widget in self.rows.values():
            widget.setStyleSheet("")
        if error is None:
            self.error.hide()
            return
        self.error.setText(str(error))
        self.error.show()
        if error.field in self.rows:
            self.rows[error.field].setStyleSheet("border: 1px solid #c62828;")
            self._unfold(self.rows[error.field])

    def choose_env(self, env_id: str) -> None:
        """Show ``env_id`` in the environment list (added to it when it is not there yet)."""
        if self.env.findText(env_id) < 0:
            self.env.insertItem(self.env.count() - 1, env_id)  # before "Other..."
        self.env.setCurrentText(env_id)

    def _on_env_picked(self, index: int) -> None:
        if self.env.itemText(index) != OTHER:
            self._shown_env = self.env.currentText()
            return
        env_id, ok = QInputDialog.getText(
            self, "Other environment", "A registered Gymnasium id, or package.module:Env-v0 (imports that module):"
        )
        self.choose_env(env_id.strip() if ok and env_id.strip() else self._shown_env)
        self._shown_env = self.env.currentText()

    def _on_edit(self) -> None:
        self.edited.emit()

    def _lr_to_slider(self, value: float) -> None:
        self.lr_slider.blockSignals(True)
        self.lr_slider.setValue(round(math.log10(value) * _LR_TICKS_PER_DECADE))
        self.lr_slider.blockSignals(False)

    def _slider_to_lr(self, tick: int) -> None:
        self.lr.setValue(float(f"{10 ** (tick / _LR_TICKS_PER_DECADE):.3g}"))


def _knob_defaults(env_id: str) -> dict[str, float]:
    """The env's knobs and their defaults; none while the typed id is not a valid env yet."""
    if not knobs(env_id):
        return {}
    try:
        return defaults(env_id)
    except Exception:  # an id being typed ("CartPole-v") that gymnasium cannot make
        return {}
