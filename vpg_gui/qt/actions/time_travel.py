"""Time travel and the update inspector: which epoch's policy the window shows, and what its
update did. A collaborator of MainWindow; the model's selection (Workspace.select) is the state.

The render panel, the action bars and the heatmap show the selected policy (the live run's
newest unless a curve was clicked or the epoch cursor dragged); the caption names it; [ and ]
step it an epoch, L (or Follow latest) follows training again. View > Inside the update (U)
shows the update inspector for the same epoch; a click on one of its rows plays that episode of
the batch in the render panel, from its recorded start with its recorded actions.

    travel = TimeTravel(window, workspace)
    view_menu.addAction(travel.inspector_action)
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from vpg_gui.algo.remote import WINDOW_RECORD_STEPS
from vpg_gui.envs.physics import format_physics, parse_physics
from vpg_gui.model.runs import RECENT_RECORDS, Workspace
from vpg_gui.qt.views.update_inspector import UpdateInspector

INSPECTOR_HEIGHT = 300  # the dock's first height: the plots keep most of theirs
INSPECT_MS = 1000  # following a live run, the inspector redraws at most this often


class TimeTravel(QObject):
    def __init__(self, window, workspace: Workspace):
        super().__init__(window)
        self.window, self.workspace = window, workspace
        self.render_panel = window.render_panel
        self.inspector = UpdateInspector()
        self.dock = QDockWidget("Inside the update", window, objectName="updateDock")
        self.dock.setWidget(self.inspector)
        self.dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.inspector_action = self.dock.toggleViewAction()
        self.inspector_action.setObjectName("inspectorAction")
        self.inspector_action.setShortcut(QKeySequence("U"))
        self.inspector_action.setToolTip("What the selected epoch's update did to each step of its batch (U)")
        self.inspector_action.toggled.connect(self._on_dock_toggled)
        self.actions = [
            self._action("Previous epoch", "[", lambda: workspace.step_selection(-1), "previousEpochAction"),
            self._action("Next epoch", "]", lambda: workspace.step_selection(+1), "nextEpochAction"),
            self._action("Follow latest", "L", workspace.follow_latest, "followLatestAction"),
        ]
        self.render_panel.follow_requested.connect(workspace.follow_latest)
        self.inspector.episode_clicked.connect(self._play_episode)
        self._inspect_timer = QTimer(self, singleShot=True, interval=INSPECT_MS, timeout=self._inspect)
        workspace.selection_changed.connect(self._on_selection)
        workspace.epoch_added.connect(self._on_epoch)

    def _action(self, text: str, key: str, slot, name: str) -> QAction:
        action = QAction(text, self.window, objectName=name, shortcut=QKeySequence(key))
        action.triggered.connect(slot)
        return action

    def show(self, restart: bool = False) -> None:
        """Render the selection: the policy played (``restart``: its episode starts now), its
        caption, and the inspector if it is open."""
        ws, panel = self.workspace, self.render_panel
        shown = ws.selected()
        panel.set_caption(ws.selection_text(), shown is None or shown.latest)
        if shown is None:
            panel.clear_policy()
            panel.set_batch(None, None)
            self.inspector.clear("Train an epoch: its update shows here")
            return
        run = shown.run
        panel.set_env(run.config.env_id)
        history = run.history
        # Episodes play under the physics that epoch trained with (the settings' before any epoch).
        physics = (
            history[shown.epoch - 1].physics if len(history) >= shown.epoch else format_physics(run.settings.physics)
        )
        panel.set_physics(physics)
        panel.set_policy(shown.snapshot, shown.epoch, restart)
        # The heatmap's paths and change map: the policy before the update, as the record kept it.
        before = shown.record.before() if shown.record is not None else run.snapshots.get(shown.epoch - 1)
        panel.set_batch(shown.record, before, restart)
        if not self.inspector_action.isChecked():  # the dock is closed
            return
        if restart:  # picked: shown now
            self._inspect_timer.stop()
            self._inspect()
        elif not self._inspect_timer.isActive():  # following training: at most every INSPECT_MS
            self._inspect_timer.start()

    def _inspect(self) -> None:
        shown = self.workspace.selected()
        if shown is None:
            return
        if shown.record is None:
            self.inspector.clear(
                f"No batch kept for {self.workspace.selection_text()}: the window keeps the last "
                f"{RECENT_RECORDS} epochs' and those at a marker, of batches up to {WINDOW_RECORD_STEPS:,} steps "
                "(vpg-train --record-batches keeps every one)"
            )
        else:
            self.inspector.show_record(shown.record, self.workspace.selection_text())

    def _on_selection(self) -> None:
        self.show(restart=True)  # the episode on screen is another epoch's policy

    def _on_epoch(self, _stats) -> None:
        if self.workspace.selection is None:  # following the live run
            self.show()

    def _on_dock_toggled(self, on: bool) -> None:
        if on and not self.dock.isFloating():
            self.window.resizeDocks([self.dock], [INSPECTOR_HEIGHT], Qt.Orientation.Vertical)
        if on:
            self._inspect()

    def _play_episode(self, index: int) -> None:
        """Play episode ``index`` of the batch shown in the inspector, with its weights."""
        record = self.inspector.record
        if record is None or record.start_states.shape[1] == 0:
            self.window.statusBar().showMessage("This environment's episodes cannot be replayed from a batch", 6000)
            return
        self.render_panel.play_recorded(record, index, dict(parse_physics(record.physics)))
        self.window.statusBar().showMessage(
            f"Episode {index + 1} of epoch {record.epoch}'s batch: return {record.returns[index]:g}, "
            "its weights under the frame",
            6000,
        )
