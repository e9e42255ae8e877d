"""Single-key shortcuts that work whatever has the focus in the form.

A number field would take Space, N, R and P as text (erasing the value), though a letter or a
space is never valid there. This filter, installed on such fields, hands those keys to the
window's shortcuts instead; Enter commits the field and gives the focus back to the window.

    keys = FieldKeys(panel)
    keys.watch(spin_box)      # Space now trains, R resets, ... even while editing the value
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget

PASSED = frozenset({Qt.Key.Key_Space, Qt.Key.Key_N, Qt.Key.Key_R, Qt.Key.Key_P, Qt.Key.Key_F11})
ENTER = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})


class FieldKeys(QObject):
    def watch(self, field: QWidget) -> None:
        """``field``: a spin box, or a line edit that holds numbers only."""
        field.installEventFilter(self)
        if isinstance(field, QAbstractSpinBox):
            field.editingFinished.connect(lambda: field.hasFocus() and field.clearFocus())
        elif isinstance(field, QLineEdit):
            field.returnPressed.connect(field.clearFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        plain = event.type() == QEvent.Type.ShortcutOverride and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        )
        if plain and Qt.Key(event.key()) in PASSED:
            event.ignore()  # not the field's: the window's shortcut takes it
            return True
        return False
