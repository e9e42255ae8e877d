"""One editor per setting, made from its TrainConfig field's metadata (config.py): the label,
the range or choices, the step, the decimals, the tooltip (the help text, the CLI's too) and
the section. The form (controls.py) lays them out; a new setting needs no edit here.

The input's objectName is the field's name in camelCase plus its kind: ``lrSpin``,
``weightingCombo``, ``normalizeAdvantagesCheck``, ``hiddenSizesEdit``.

    editor = editor_for(TrainConfig.__dataclass_fields__["lr"])
    editor.set_value(0.05)          # no ``changed`` for a value set by the program
    editor.value()                  # 0.05
    editor.changed.connect(...)     # the user changed it
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLineEdit, QSlider, QSpinBox, QWidget

from vpg_gui.config import format_sizes, parse_sizes

LOG_TICKS_PER_DECADE = 100  # a log field's slider moves 1/100 of a decade per tick


@dataclass
class Editor:
    widget: QWidget  # the input itself
    row: QWidget  # what the form's row holds: the input, or the input and its slider
    label: str  # the form's label ("" for a check box, which says it itself)
    changed: Any  # the signal the user's edits send
    value: Callable[[], Any]
    set_value: Callable[[Any], None]  # sends no ``changed``


def object_name(field: str, kind: str) -> str:
    """The input's objectName for setting ``field``.

    >>> object_name("normalize_advantages", "Check")
    'normalizeAdvantagesCheck'
    """
    first, *rest = field.split("_")
    return first + "".join(part.title() for part in rest) + kind


def editor_for(field: dataclasses.Field) -> Editor:
    meta, name = field.metadata, field.name
    if meta["choices"] is not None:
        combo = QComboBox(objectName=object_name(name, "Combo"))
        combo.addItems(meta["choices"])
        return _editor(meta, combo, combo.currentTextChanged, combo.currentText, combo.setCurrentText)
    if field.type == "bool":
        check = QCheckBox(meta["label"], objectName=object_name(name, "Check"))
        editor = _editor(meta, check, check.toggled, check.isChecked, check.setChecked)
        editor.label = ""
        return editor
    if field.type == "tuple[int, ...]":
        edit = QLineEdit(objectName=object_name(name, "Edit"), placeholderText="e.g. 32 or 64,64")
        return _editor(
            meta, edit, edit.textEdited, lambda: parse_sizes(edit.text()), lambda v: edit.setText(format_sizes(v))
        )
    if field.type == "int":
        spin = QSpinBox(objectName=object_name(name, "Spin"), singleStep=int(meta["step"]))
        spin.setRange(int(meta["min"]), int(meta["max"]))
        spin.setGroupSeparatorShown(True)
    else:
        spin = QDoubleSpinBox(objectName=object_name(name, "Spin"), decimals=meta["decimals"])
        spin.setRange(meta["min"], meta["max"])
        if meta["log"]:
            spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        else:
            spin.setSingleStep(meta["step"])
    if meta["special"]:
        spin.setSpecialValueText(meta["special"])
    editor = _editor(meta, spin, spin.valueChanged, spin.value, spin.setValue)
    if meta["log"] and meta["section"] == "essentials":
        _add_slider(editor, object_name(name, "Slider"), meta)
    return editor


def _editor(meta, widget: QWidget, changed, value, set_value) -> Editor:
    widget.setToolTip(meta["help"])

    def set_quietly(v) -> None:
        with QSignalBlocker(widget):
            set_value(v)

    return Editor(widget, widget, meta["label"], changed, value, set_quietly)


def _add_slider(editor: Editor, name: str, meta) -> None:
    """A slider beside the spin box that moves the value on a log scale (one decade in 100 ticks)."""
    spin = editor.widget
    lo, hi = (round(math.log10(v) * LOG_TICKS_PER_DECADE) for v in (meta["min"], meta["max"]))
    slider = QSlider(Qt.Orientation.Horizontal, objectName=name, minimum=lo, maximum=hi)
    slider.setToolTip(meta["help"] + " (log scale)")

    def to_slider(value: float) -> None:
        with QSignalBlocker(slider):
            slider.setValue(round(math.log10(value) * LOG_TICKS_PER_DECADE))

    spin.valueChanged.connect(to_slider)
    slider.valueChanged.connect(lambda tick: spin.setValue(float(f"{10 ** (tick / LOG_TICKS_PER_DECADE):.3g}")))
    set_spin = editor.set_value

    def set_both(value: float) -> None:
        set_spin(value)
        to_slider(value)

    editor.set_value = set_both
    editor.row = QWidget()
    row = QHBoxLayout(editor.row)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(spin, 1)
    row.addWidget(slider, 2)
