"""The hyperparameter form <-> TrainConfig, both directions.

The form is generated from TrainConfig's field metadata (labels, ranges, steps, tooltips,
sections; qt/views/field_editors.py), so the form, the CLI and the validator agree and a new
setting is one field in config.py. The essentials come first (environment, learning rate,
batch steps, epochs, weighting); the estimator, the network and the physics are sections that
fold away, so the form is short and narrow enough to leave the plots their room on a 1024x600
screen.
``edited`` fires on any user change; ``config()`` reads the form (raising
ConfigError naming the field when the text in it is not valid) and ``set_config`` fills it.

    panel = ControlsPanel(TrainConfig(lr=0.05))
    panel.fields["lr"].value()                           # 0.05 (the spin box objectName lrSpin)
    panel.config().lr                                    # 0.05
"""

from __future__ import annotations

import dataclasses
import importlib.util

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vpg_gui.config import COLD_FIELDS, ConfigError, TrainConfig
from vpg_gui.envs.ids import allow_module
from vpg_gui.envs.physics import KNOBS, defaults, knobs
from vpg_gui.qt.views.field_editors import Editor, editor_for
from vpg_gui.qt.views.field_keys import FieldKeys

# The environments offered; "Other..." asks for any other registered id, or "package.module:Env-v0".
ENVIRONMENTS = ("CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1", "MountainCarContinuous-v0")
BOX2D_ENVIRONMENTS = ("LunarLander-v3", "LunarLanderContinuous-v3")
OTHER = "Other..."
BOX2D_HINT = "needs Box2D: pip install swig 'gymnasium[box2d]'"
SECTIONS = (("estimator", "Estimator"), ("network", "Network and seed"), ("physics", "Physics"))  # folding


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
    """``fields``: each setting's input by field name (``fields["lr"]`` is the lr spin box);
    ``physics``: each knob's spin box by knob name."""

    edited = Signal()

    def __init__(self, config: TrainConfig, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        essentials = QWidget()
        self._essentials = QFormLayout(essentials)
        self._essentials.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(essentials)
        self.sections = {name: Section(title, name) for name, title in SECTIONS}
        for section in self.sections.values():
            layout.addWidget(section)
        self._form_of: dict[QWidget, QFormLayout] = {}  # each row's field widget -> the form holding it
        self.rows: dict[str, QWidget] = {}  # each field's form row
        self.pending_hints: dict[str, QLabel] = {}
        self._pending: list[str] = []
        self._presenting = False

        # One editor per setting, in TrainConfig's order, from its metadata; the environment and
        # the physics knobs have editors of their own.
        self._editors: dict[str, Editor] = {}
        for field in dataclasses.fields(TrainConfig):
            if field.name == "physics":
                self._add_knobs(self.sections["physics"].form)
                continue
            editor = self._env_editor(field.metadata) if field.name == "env_id" else editor_for(field)
            self._add(field.name, editor)
        self.fields = {name: editor.widget for name, editor in self._editors.items()}
        self.env = self.fields["env_id"]

        self.error = QLabel(objectName="controlsError", wordWrap=True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addStretch(1)

        self.set_config(config)
        self._shown_env = self.env.currentText()  # what "Other..." falls back to when cancelled
        for signal in (
            *(editor.changed for editor in self._editors.values()),
            *(spin.valueChanged for spin in self.physics.values()),
        ):
            signal.connect(self._on_edit)
        self.env.currentTextChanged.connect(lambda env_id: self._show_knobs(env_id.strip()))
        self.env.activated.connect(self._on_env_picked)
        self._keys = FieldKeys(self)  # Space, N, R, P reach the window even while a number is edited
        for field in (*self.findChildren(QAbstractSpinBox), self.fields["hidden_sizes"]):
            self._keys.watch(field)

    def _env_editor(self, meta) -> Editor:
        """Picked from a list, not typed: a key pressed there is never text (R resets, it does
        not turn CartPole-v1 into CartPole-v1r)."""
        env = QComboBox(objectName="envCombo", toolTip=meta["help"])
        # As narrow as a short id (long ones show in full in its list): the form leaves the plots their room.
        env.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        env.setMinimumContentsLength(12)
        env.addItems(ENVIRONMENTS)
        box2d = importlib.util.find_spec("Box2D") is not None
        for env_id in BOX2D_ENVIRONMENTS:  # listed either way, saying how to get them if missing
            env.addItem(env_id if box2d else f"{env_id} ({BOX2D_HINT})")
            if not box2d:
                item = env.model().item(env.count() - 1)
                item.setEnabled(False)
                item.setToolTip(f"{env_id} {BOX2D_HINT}, then restart vpg-gui")
        env.addItem(OTHER)
        env.view().setMinimumWidth(env.view().sizeHintForColumn(0) + 20)

        def set_env(env_id: str) -> None:
            with QSignalBlocker(env):
                self.choose_env(env_id)

        return Editor(env, env, meta["label"], env.currentTextChanged, lambda: env.currentText().strip(), set_env)

    def _add_knobs(self, form: QFormLayout) -> None:
        """Physics knobs (physics.py): one spin box per knob of every env that has some; only the
        current env's are shown. Hot: they apply from the next epoch."""
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

    def _add(self, field: str, editor: Editor) -> None:
        section = TrainConfig.__dataclass_fields__[field].metadata["section"]
        form = self._essentials if section == "essentials" else self.sections[section].form
        form.addRow(editor.label, editor.row)
        if editor.label:
            form.labelForField(editor.row).setToolTip(editor.widget.toolTip())
        self._editors[field] = editor
        self.rows[field] = editor.row
        self._form_of[editor.row] = form
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
        values = {name: editor.value() for name, editor in self._editors.items()}
        allow_module(values["env_id"])
        return TrainConfig(**values, physics=self._physics_set()).validate()

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
                with QSignalBlocker(spin):
                    spin.setValue(dict(physics).get(name, base[name]))

    def set_config(self, config: TrainConfig) -> None:
        for name, editor in self._editors.items():
            editor.set_value(getattr(config, name))
        self._show_knobs(config.env_id, config.physics)
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


def _knob_defaults(env_id: str) -> dict[str, float]:
    """The env's knobs and their defaults; none while the typed id is not a valid env yet."""
    if not knobs(env_id):
        return {}
    try:
        return defaults(env_id)
    except Exception:  # an id being typed ("CartPole-v") that gymnasium cannot make
        return {}
