"""Run > Sweep...: which setting to sweep, over which values and seeds, for how many epochs, and
on which Ray cluster. Values are read as ``vpg-sweep --grid`` reads them; a bad one is an inline
message naming it, and OK waits until everything is right.

    dialog = SweepDialog(config, address="", parent=window)
    if dialog.exec():
        spec, address = dialog.spec, dialog.address
"""

from __future__ import annotations

import argparse

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
)

from vpg_gui.config import TrainConfig, field_help
from vpg_gui.flags import LISTS, parse_grid
from vpg_gui.sweeps.spec import SWEEPABLE, SweepSpec, default_values, parse_seeds, value_text

DEFAULT_EPOCHS = 30
DEFAULT_SEEDS = "0-2"
VALUES_WIDTH = 380  # the proposed learning rates fit


class SweepDialog(QDialog):
    def __init__(self, config: TrainConfig, address: str = "", parent=None):
        super().__init__(parent, objectName="sweepDialog", windowTitle="Sweep a setting")
        self.config = config
        self.spec: SweepSpec | None = None
        self.address: str | None = None
        form = QFormLayout(self)
        self.field = QComboBox(objectName="sweepField")
        for name in SWEEPABLE:
            self.field.addItem(name, name)
            self.field.setItemData(self.field.count() - 1, field_help(name), 3)  # 3: Qt.ToolTipRole
        self.field.currentIndexChanged.connect(self._field_changed)
        self.values = QLineEdit(objectName="sweepValues")
        self.values.setMinimumWidth(VALUES_WIDTH)
        self.seeds = QLineEdit(DEFAULT_SEEDS, objectName="sweepSeeds")
        self.seeds.setToolTip("Seeds of every value: a range like 0-4 or a list like 1,3,7")
        self.epochs = QSpinBox(objectName="sweepEpochs", minimum=1, maximum=100_000)
        self.epochs.setValue(config.epochs or DEFAULT_EPOCHS)
        self.epochs.setToolTip("Epochs of every trial; the final return is the mean over the last 10% of them")
        self.cluster = QLineEdit(address, objectName="sweepAddress", placeholderText="this machine")
        self.cluster.setToolTip(
            "HOST:PORT of a Ray cluster's head (ray start --head) to run the trials there; empty runs them "
            "on this machine's CPUs. Each node needs vpg-gui installed."
        )
        self.error = QLabel(objectName="sweepError", wordWrap=True, visible=False)
        self.error.setStyleSheet("color: #c62828;")
        self.trials = QLabel(objectName="sweepTrials")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sweep")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow("Setting", self.field)
        form.addRow("Values", self.values)
        form.addRow("Seeds", self.seeds)
        form.addRow("Epochs", self.epochs)
        form.addRow("Ray cluster", self.cluster)
        form.addRow(self.trials)
        form.addRow(self.error)
        form.addRow(self.buttons)
        for edit in (self.values, self.seeds, self.cluster):
            edit.textChanged.connect(self._check)
        self.epochs.valueChanged.connect(self._check)
        self.field.setCurrentIndex(self.field.findData("lr"))
        self._field_changed()

    def _field_changed(self) -> None:
        name = self.field.currentData()
        separator = "; " if name in LISTS else ", "
        self.values.setText(separator.join(value_text(name, v) for v in default_values(name)))
        self.values.setToolTip(f"Values of {name}, separated by '{separator.strip()}'. {field_help(name)}")
        self._check()

    def _build(self) -> SweepSpec:
        """The spec the fields describe; ValueError says which field is wrong and why."""
        name = self.field.currentData()
        try:
            _, values = parse_grid(f"{name}={self.values.text().replace('; ', ';').replace(', ', ',')}")
        except argparse.ArgumentTypeError as exc:
            raise ValueError(f"Values: {exc}") from None
        try:
            seeds = tuple(parse_seeds(self.seeds.text().strip()))
        except ValueError as exc:
            raise ValueError(f"Seeds: {exc}") from None
        spec = SweepSpec(self.config.replace(epochs=self.epochs.value()), {name: values}, seeds)
        spec.trials()  # a ConfigError names the field and the value that is not allowed
        return spec

    def _check(self) -> bool:
        """Show what is wrong (and keep Sweep off), or how many trials it makes."""
        try:
            self.spec = self._build()
        except ValueError as exc:
            self.spec = None
            self.error.setText(str(exc))
        self.address = self.cluster.text().strip() or None
        ok = self.spec is not None
        self.error.setVisible(not ok)
        if ok:
            values, seeds = next(iter(self.spec.grid.values())), self.spec.seeds
            self.trials.setText(f"{len(values) * len(seeds)} trials: {len(values)} values x {len(seeds)} seeds")
        self.trials.setVisible(ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def accept(self) -> None:
        if self._check():
            super().accept()
