"""The window's race: Run > Race... (Ctrl+R) asks for the lanes (RaceDialog), starts them as a
race of the model (Workspace.start_race) trained by a RaceJob, shows the race view in the render
panel's place, and ends it: the lanes' processes stop, the lanes stay as kept runs.

    race = RaceActions(window, workspace, window.valid_config, window.jobs, presets)
    race.view_changed.connect(window.show_race)      # the RaceView to show, or None when it ends
    race.start([config_a, config_b])                  # what the dialog's Start does
    race.end()                                        # End race (or closing the window: jobs.shutdown())
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from vpg_gui.config import TrainConfig
from vpg_gui.model.runs import Workspace
from vpg_gui.qt.jobs.background import Jobs
from vpg_gui.qt.jobs.race import RaceJob
from vpg_gui.qt.views.race_dialog import RaceDialog
from vpg_gui.qt.views.race_view import RaceView


class RaceActions(QObject):
    view_changed = Signal(object)  # the RaceView shown, or None when the race has ended

    def __init__(self, window, workspace: Workspace, config_source, jobs: Jobs, presets: list):
        super().__init__(window)
        self.window, self.workspace, self.config_source = window, workspace, config_source
        self.jobs, self.presets = jobs, presets
        self.job: RaceJob | None = None
        self._race = None  # the model's race this job trains
        self.view: RaceView | None = None
        self.pace = 0.0  # the window's pace, handed to each race
        self.race_action = QAction("Race...", window, objectName="raceAction", shortcut="Ctrl+R")
        self.race_action.setToolTip(
            "Train two to four settings at once, side by side, each playing its newest policy: the class "
            "compares them at the same epoch"
        )
        self.race_action.triggered.connect(self.open_dialog)
        workspace.race_changed.connect(self._on_race_changed)

    def open_dialog(self) -> None:
        if self.job is not None:
            QMessageBox.information(self.window, "Race", "A race is on: End race first to start another.")
            return
        config = self.config_source()
        if config is None:  # the form has an invalid setting: it says which
            return
        dialog = RaceDialog(config, self.presets, parent=self.window)
        dialog.accepted.connect(lambda: self.start(dialog.configs, dialog.lockstep.isChecked()))
        dialog.open()

    def start(self, configs: list[TrainConfig], lockstep: bool = True) -> None:
        """Race ``configs``: a lane each, in its own process."""
        self._race = self.workspace.start_race(configs, lockstep)
        self.job = RaceJob(configs, lockstep, self.pace)
        self.job.epoch_finished.connect(self._on_epoch)
        self.job.diverged.connect(self._on_diverged)
        self.job.failed.connect(self._on_failed)
        self.job.ended.connect(self._on_ended)
        self.view = RaceView(self.workspace)
        self.view.paused.connect(self._on_paused)
        self.view.stepped.connect(self.job.step)
        self.view.edited.connect(self._on_edited)
        self.view.lockstep_toggled.connect(self._on_lockstep)
        self.view.end_requested.connect(self.end)
        self.jobs.start(self.job)
        self.view_changed.emit(self.view)

    def end(self) -> None:
        """Stop every lane (their processes end within a second); the lanes stay as kept runs."""
        if self.job is not None:
            self.job.cancel()

    def set_pace(self, epochs_per_s: float) -> None:
        self.pace = epochs_per_s
        if self.job is not None:
            self.job.set_pace(epochs_per_s)

    def set_presentation(self, on: bool) -> None:
        if self.view is not None:
            self.view.set_presentation(on)

    # --- the job's reports and the view's commands (the window's thread) ------------------------

    def _on_epoch(self, lane: int, stats, snapshot, record) -> None:
        if self.workspace.race is self._race:  # not one a session replaced meanwhile
            self._race.add_epoch(lane, stats, snapshot, record)

    def _on_race_changed(self) -> None:
        if self.workspace.race is None:  # ended by the model (a session opened): the lanes stop too
            self.end()

    def _on_paused(self, lane: int, paused: bool) -> None:
        if self.job is not None:
            self._race.set_running(lane, not paused)
            self.job.set_running(lane, not paused)

    def _on_edited(self, lane: int, config: TrainConfig) -> None:
        if self.job is not None:
            self._race.edit(lane, config)
            self.job.apply(lane, config)

    def _on_lockstep(self, on: bool) -> None:
        if self.job is not None:
            self._race.set_lockstep(on)
            self.job.set_lockstep(on)

    def _on_diverged(self, lane: int, message: str) -> None:
        if self.workspace.race is self._race:
            self._race.set_running(lane, False)
        box = QMessageBox(QMessageBox.Icon.Warning, "Race", f"Lane {lane + 1} is paused: {message}", parent=self.window)
        box.open()

    def _on_failed(self, message: str, details: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Race", message, parent=self.window)
        box.setDetailedText(details)
        box.open()

    def _on_ended(self) -> None:
        self.job = None
        if self.view is not None:
            self.view.close_players()
            self.view.deleteLater()
            self.view = None
        self.workspace.end_race()
        self.view_changed.emit(None)
