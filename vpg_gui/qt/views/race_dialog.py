"""Run > Race...: two to four lanes, each the current settings or a preset's, with what differs
written as vpg-train --race writes a lane (``weighting=reward-to-go``, ``lr=0.05,seed=3``).

It opens with two lanes, the current settings and the same with the other weighting, so Start
races at once. A lane that cannot be read is an inline message naming the lane, the field and
what is allowed; Start waits until every lane is right.

    dialog = RaceDialog(config, presets, parent=window)
    if dialog.exec():
        dialog.configs, dialog.lockstep      # one TrainConfig per lane; lanes in lock-step or free
"""

from __future__ import annotations

import argparse

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from vpg_gui.algo.race import LANES
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.flags import parse_lane

CURRENT = "current settings"
CHANGE_WIDTH = 320


def other_weighting(config: TrainConfig) -> str:
    """The second lane's change: the other of the post's two weightings.

    >>> other_weighting(TrainConfig()), other_weighting(TrainConfig(weighting="reward-to-go"))
    ('weighting=reward-to-go', 'weighting=episode-return')
    """
    return "weighting=episode-return" if config.weighting == "reward-to-go" else "weighting=reward-to-go"


class RaceDialog(QDialog):
    def __init__(self, config: TrainConfig, presets: list, parent=None):
        super().__init__(parent, objectName="raceDialog", windowTitle="Race")
        self.config, self.presets = config, presets
        self.configs: list[TrainConfig] = []
        self._rows: list[tuple[QLabel, QComboBox, QLineEdit]] = []
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Each lane trains at the same time, in its own process, and plays its newest policy. "
            "Lanes share the seed unless a lane changes it, so only what differs differs.",
            wordWrap=True,
        )
        layout.addWidget(intro)
        self.grid = QGridLayout()
        self.grid.addWidget(QLabel("<b>Lane</b>"), 0, 0)
        self.grid.addWidget(QLabel("<b>Starts from</b>"), 0, 1)
        self.grid.addWidget(QLabel("<b>What differs</b>"), 0, 2)
        layout.addLayout(self.grid)
        # Not auto-default: Return in the dialog is Start, whichever of these had the focus last.
        self.add_button = QPushButton(
            "Add lane", objectName="raceAddLane", toolTip="Up to four lanes", autoDefault=False
        )
        self.add_button.clicked.connect(lambda: self.add_lane())
        self.remove_button = QPushButton(
            "Remove lane", objectName="raceRemoveLane", toolTip="At least two lanes", autoDefault=False
        )
        self.remove_button.clicked.connect(self.remove_lane)
        buttons = QDialogButtonBox()
        buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.lockstep = QCheckBox("Lock-step", objectName="raceLockstepOption", checked=True)
        self.lockstep.setToolTip(
            "No lane starts its next epoch before every lane has finished this one, so the class compares "
            "the same epoch; off, each lane runs as fast as it can"
        )
        layout.addWidget(self.lockstep)
        self.error = QLabel(objectName="raceError", wordWrap=True, visible=False)
        self.error.setStyleSheet("color: #c62828;")
        layout.addWidget(self.error)
        # OK renamed, not a button added: the box makes OK the default, so Return is Start.
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start")
        self.start_button.setObjectName("raceStartButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.add_lane()
        self.add_lane(change=other_weighting(config))

    def add_lane(self, change: str = "") -> None:
        """Another lane (up to four): the current settings with ``change``."""
        if len(self._rows) >= LANES.stop - 1:
            return
        row = len(self._rows) + 1
        source = QComboBox(objectName=f"raceFrom{row - 1}")
        source.addItem(CURRENT)
        for preset in self.presets:
            source.addItem(preset.title)
        source.setToolTip("The settings the lane starts from: the form's, or a preset's")
        edit = QLineEdit(change, objectName=f"raceChange{row - 1}", placeholderText="nothing: the settings as they are")
        edit.setMinimumWidth(CHANGE_WIDTH)
        edit.setToolTip(
            "Settings this lane changes, comma-separated FIELD=VALUE: weighting=reward-to-go, lr=0.05, "
            "baseline=value, batch_steps=1000, seed=3 (as vpg-train --race takes them)"
        )
        label = QLabel(str(row))
        for column, widget in enumerate((label, source, edit)):
            self.grid.addWidget(widget, row, column)
        source.currentIndexChanged.connect(self._check)
        edit.textChanged.connect(self._check)
        self._rows.append((label, source, edit))
        self._check()

    def remove_lane(self) -> None:
        """The last lane goes (two stay)."""
        if len(self._rows) > LANES.start:
            for widget in self._rows.pop():
                widget.deleteLater()
            self._check()

    def _build(self) -> list[TrainConfig]:
        """Each lane's settings; ValueError names the lane and what is wrong with it."""
        configs = []
        for number, (_, source, edit) in enumerate(self._rows, 1):
            index = source.currentIndex()
            base = self.config if index == 0 else self.presets[index - 1].config
            try:
                changes = parse_lane(edit.text()) if edit.text().strip() else {}
                configs.append(base.replace(**changes).validate())
            except (argparse.ArgumentTypeError, ConfigError) as exc:
                raise ValueError(f"Lane {number}: {exc}") from None
        return configs

    def _check(self) -> bool:
        try:
            self.configs = self._build()
        except ValueError as exc:
            self.configs = []
            self.error.setText(str(exc))
        ok = bool(self.configs)
        self.error.setVisible(not ok)
        self.start_button.setEnabled(ok)
        self.add_button.setEnabled(len(self._rows) < LANES.stop - 1)
        self.remove_button.setEnabled(len(self._rows) > LANES.start)
        return ok

    def accept(self) -> None:
        if self._check():
            super().accept()
