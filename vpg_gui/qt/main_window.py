"""MainWindow: controls, toolbar, menus, live plots, render panel and status bar around one
worker thread, rendering and commanding one run model (model/runs.py's Workspace).

Commands flow one way: controls -> TrainConfig -> a Workspace transition (and the worker) ->
EpochStats + policy snapshot (queued signal) -> Workspace.add_epoch -> its listeners: plots,
render panel, status bar. The window holds no run state of its own. File work (presets,
sessions, exports) is qt/actions/files.py's, a collaborator given the same workspace.

    window = MainWindow(TrainConfig(epochs=20))
    window.show()
    window.train_button.click()      # Train -> Pause -> Resume ...
    window.workspace.live.history    # what the plots show
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolBar,
)

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.formats.files import os_reason
from vpg_gui.model.runs import Workspace
from vpg_gui.qt.actions.files import FileActions
from vpg_gui.qt.actions.race import RaceActions
from vpg_gui.qt.actions.sweeps import SweepActions
from vpg_gui.qt.actions.time_travel import TimeTravel
from vpg_gui.qt.jobs.background import Jobs
from vpg_gui.qt.jobs.training import RunState, TrainingWorker
from vpg_gui.qt.views.controls import ControlsPanel
from vpg_gui.qt.views.plot_fonts import NORMAL_PX, PRESENTATION_PX
from vpg_gui.qt.views.plots import TrainingPlots
from vpg_gui.qt.views.render import RenderPanel
from vpg_gui.qt.views.run_list import RunList
from vpg_gui.storage.autosave import Autosave
from vpg_gui.storage.presets import PACES, builtin_presets, load_preset
from vpg_gui.storage.user_settings import UserSettings

REDRAW_MS = 100  # plots and status redraw at most 10 times a second, however fast epochs come
RACE_REDRAW_MS = 250
PANEL_SIZES = (700, 500)  # plots, render panel; the form gets the width it asks for
PLOTS_MIN_WIDTH = 380  # the return plot's data area stays >= 300 px wide beside its axis
TITLE = "vpg-gui: the simplest policy gradient"
QT_GEOMETRY = "01d9d0cb"  # saveGeometry()'s magic number (restoreGeometry refuses some on another screen)
NO_PRESET = "Presets..."
PRESENTATION_PACE = 2.0  # presentation mode's pace until the lecturer picks another (it is remembered)


SHORTCUTS = (  # (key, what it does): the Help > Shortcuts list and the actions' shortcuts
    ("Space", "Train / Pause / Resume"),
    ("N", "Step: run one epoch"),
    ("R", "Reset"),
    ("P", "Play / stop playing episodes"),
    ("A", "Plots: show every run whole again (after zooming or panning)"),
    ("[", "Time travel: show the policy of the epoch before"),
    ("]", "Time travel: show the policy of the epoch after"),
    ("L", "Follow latest: show the newest policy as training goes on"),
    ("U", "Inside the update: what the shown epoch's update did to its batch"),
    ("Del", "Run list: remove the selected kept run"),
    ("+", "Pace: epochs come faster"),
    ("-", "Pace: epochs come slower"),
    ("Ctrl+K", "Compare seeds of the current settings"),
    ("Ctrl+Shift+K", "Sweep a setting over values and seeds"),
    ("Ctrl+R", "Race two to four settings side by side"),
    ("F11", "Presentation mode"),
    ("Ctrl+O", "Open session"),
    ("Ctrl+S", "Save session"),
    ("Ctrl+Q", "Quit"),
)


def user_settings() -> UserSettings:
    """The window's settings file, ``~/.config/vpg-gui/vpg-gui.toml`` (Linux); the QSettings
    file earlier versions kept beside it is read once, as text (storage/user_settings.py)."""
    app = QCoreApplication
    config = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    folder = Path(config) / (app.organizationName() or "vpg-gui")
    name = app.applicationName() or "vpg-gui"
    return UserSettings(folder / f"{name}.toml", legacy=folder / f"{name}.conf")


def _pace_text(epochs_per_s: float) -> str:
    """The pace box's text for ``epochs_per_s``.

    >>> _pace_text(1.0), _pace_text(5.0), _pace_text(0.0)
    ('pace 1 epoch/s', 'pace 5 epochs/s', 'pace: fastest')
    """
    if not epochs_per_s:
        return "pace: fastest"
    return f"pace {epochs_per_s:g} epoch{'s' if epochs_per_s != 1 else ''}/s"


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


class MainWindow(QMainWindow):
    """``offer_restore``: after a run that did not close cleanly, offer its curves back (app.py
    says no when it opens a file)."""

    def __init__(self, config: TrainConfig | None = None, offer_restore: bool = True):
        super().__init__(objectName="mainWindow")
        self.setWindowTitle(TITLE)
        screen = QApplication.primaryScreen().availableGeometry()  # a small screen gets all of it
        self.resize(min(1500, screen.width()), min(860, screen.height()))
        self._closing = False
        self._panels_due = False  # leaving presentation mode: the panel sizes wait for the window's size
        self.settings = user_settings()
        # remembered settings that were not valid, said once the window is up
        self._dropped: list[str] = list(self.settings.dropped)
        if config is None:  # no flags given: the settings of last time
            config = self._saved_config()
        # Each run's history goes to a CSV as it grows, so a crash loses at most the epoch in flight.
        data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
        self.workspace = Workspace(config, Autosave(data))

        self.controls = ControlsPanel(config)
        self.plots = TrainingPlots(self.workspace)
        self.plots.setMinimumWidth(PLOTS_MIN_WIDTH)  # the splitter never squeezes them below it
        self.run_list = RunList(self.workspace)
        self.run_list.highlighted.connect(self.plots.set_highlight)
        self.render_panel = RenderPanel()
        self.render_panel.set_env(config.env_id)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # The form scrolls when the window is too small for it (a 1024x600 screen), so the plots
        # keep their size; the run list sits under it, beside the plots it names.
        self.controls_scroll = QScrollArea(objectName="controlsScroll", widgetResizable=True)
        self.controls_scroll.setWidget(self.controls)
        self.controls_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.side = QSplitter(Qt.Orientation.Vertical, objectName="sideSplitter", childrenCollapsible=False)
        self.side.addWidget(self.controls_scroll)
        self.side.addWidget(self.run_list)
        self.side.setStretchFactor(0, 3)
        self.side.setStretchFactor(1, 1)
        splitter.addWidget(self.side)
        splitter.addWidget(self.plots)
        splitter.addWidget(self.render_panel)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes(self._default_sizes())
        self.splitter = splitter
        self.setCentralWidget(splitter)

        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw.timeout.connect(self._redraw_live_run)
        # A race's lanes, as they grow: less often than the live run, as three or four lanes' epochs
        # arrive at once, and their episodes already fill the window's frames (benchmarks/bench_race.py).
        self._redraw_lanes = QTimer(self, singleShot=True, interval=RACE_REDRAW_MS)
        self._redraw_lanes.timeout.connect(self._redraw_race)
        # Training, sweeps and file writes run in the background, each a job of this one registry.
        self.jobs = Jobs(self)
        self._start_worker(config)
        self.files = FileActions(self, self.workspace, self.settings, self.jobs)
        self.sweeps = SweepActions(self, self.workspace, self.valid_config, self.settings, self.jobs)
        self.time_travel = TimeTravel(self, self.workspace)
        self._presets = [load_preset(path) for path in builtin_presets()]
        self.race = RaceActions(self, self.workspace, self.valid_config, self.jobs, self._presets)
        self.race.view_changed.connect(self.show_race)
        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()
        self.controls.edited.connect(self._on_controls_edited)
        # Each change of the model, rendered by what shows it (the run list connects itself).
        ws = self.workspace
        ws.live_changed.connect(self._show_live_run)
        ws.epoch_added.connect(self._on_epoch_added)
        ws.settings_changed.connect(self._on_settings_changed)
        ws.runs_changed.connect(self.plots.redraw)
        ws.seeds_added.connect(self.plots.redraw_seeds)
        ws.preset_changed.connect(self._show_preset)
        ws.env_changed.connect(self._on_env_changed)
        ws.run_state_changed.connect(self._refresh)
        self._restore_layout()
        self._refresh()
        QTimer.singleShot(0, lambda: self._offer_restore(offer_restore))
        if self._dropped:
            self.statusBar().showMessage(
                f"Dropped remembered settings that were not valid: {'; '.join(self._dropped)}", 15000
            )

    @property
    def history(self) -> list[EpochStats]:
        """The live run's history (the workspace's; read it, never write it)."""
        return self.workspace.live.history

    # --- construction ------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Training", objectName="trainingToolBar", movable=False)
        self.addToolBar(bar)
        self._toolbar_actions = {}
        tips = {
            "train": "Start training; while training, pause it; while paused, resume it",
            "step": "Run exactly one epoch (one batch of episodes, one policy update), then pause",
            "stop": "Stop after the current epoch; Train continues the same run",
            "reset": "A new run: a new policy from the seed with every setting applied; this run stays on "
            "the plots, faded, to compare",
        }
        self.train_button = self._button(bar, "Train", "trainButton", tips["train"], self.on_train)
        self.step_button = self._button(bar, "Step", "stepButton", tips["step"], self.on_step)
        self.stop_button = self._button(bar, "Stop", "stopButton", tips["stop"], self.on_stop)
        self.reset_button = self._button(bar, "Reset", "resetButton", tips["reset"], self.on_reset)
        bar.addSeparator()
        self.preset_combo = QComboBox(
            objectName="presetCombo",
            toolTip="Start a new run from a preset, one step of the lecture; it shows the active preset "
            "until a setting departs from it",
        )
        # Narrow (long titles show in its list): the toolbar keeps its actions in view at 1024 px.
        self.preset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset_combo.setMinimumContentsLength(15)
        self.preset_combo.view().setMinimumWidth(420)
        self.preset_combo.addItem(NO_PRESET)
        for preset in self._presets:
            self.preset_combo.addItem(preset.title)
        self.preset_combo.activated.connect(self._on_preset_chosen)
        self._lecture_hidden = [bar.addWidget(self.preset_combo)]  # toolbar actions presentation hides
        bar.addSeparator()
        self.smoothing_label = QLabel(" Smoothing ")
        self._lecture_hidden.append(bar.addWidget(self.smoothing_label))
        self.smoothing = QDoubleSpinBox(objectName="smoothingSpin", decimals=2, singleStep=0.05, maximum=0.99)
        self.smoothing.setToolTip(
            "Exponential moving average of the mean curves (0 = raw epochs). The min-max band always shows raw values."
        )
        self.smoothing.valueChanged.connect(self.plots.set_smoothing)
        self._lecture_hidden.append(bar.addWidget(self.smoothing))
        # No label beside it (its items say what they are): the toolbar keeps every action in view at 1024 px.
        self.pace = QComboBox(objectName="paceCombo")  # kept in presentation mode: it is the lecturer's
        self.pace.setToolTip(
            "How fast the epochs come, so a class can follow the curves (+ / - keys): training waits "
            "between epochs; 'fastest' waits for nothing"
        )
        for per_s in PACES:
            self.pace.addItem(_pace_text(per_s), per_s)
        self.pace.setCurrentIndex(len(PACES) - 1)
        self.pace.currentIndexChanged.connect(self._on_pace)
        bar.addWidget(self.pace)
        self.toolbar = bar

    def _button(self, bar: QToolBar, text: str, name: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, objectName=name, toolTip=tip)
        button.setMinimumWidth(72)  # four of them and every toolbar item fit 1024 px
        button.clicked.connect(slot)
        self._toolbar_actions[button] = bar.addWidget(button)
        return button

    def _action(self, menu, text: str, slot, shortcut: str | None = None, name: str | None = None) -> QAction:
        action = QAction(text, self, objectName=name or "")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        files = self.files
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "Open preset...", files.open_preset)
        self._action(file, "Save preset...", files.save_preset)
        file.addSeparator()
        self._action(file, "Open session...", files.open_session, "Ctrl+O")
        self._action(file, "Save session...", files.save_session, "Ctrl+S")
        file.addSeparator()
        self._action(file, "Export metrics CSV...", files.export_csv)
        self._action(file, "Export plots (PNG / SVG)...", files.export_plots_dialog)
        self._action(file, "Export update inspector (PNG / SVG)...", files.export_inspector)
        self._action(file, "Export episode GIF...", files.export_episode_gif)
        self._action(file, "Record evolution GIF...", files.record_evolution)
        self.race_gif_action = self._action(file, "Export race GIF...", files.export_race_gif, None, "raceGifAction")
        file.addSeparator()
        self._action(file, "Quit", self.close, "Ctrl+Q")

        run = bar.addMenu("&Run")
        self.train_action = self._action(run, "Train / Pause", self.on_train, "Space", "trainAction")
        self._action(run, "Step", self.on_step, "N", "stepAction")
        self._action(run, "Stop", self.on_stop)
        self._action(run, "Reset", self.on_reset, "R", "resetAction")
        self._action(run, "Play / stop playing", self.render_panel.toggle_play, "P", "playAction")
        self._action(run, "Pace faster", lambda: self._step_pace(1), "+", "paceFasterAction")
        self._action(run, "Pace slower", lambda: self._step_pace(-1), "-", "paceSlowerAction")

        presets = bar.addMenu("&Presets")
        for path in builtin_presets():
            self._action(presets, load_preset(path).title, lambda _=False, p=path: files.open_preset_file(p))

        view = bar.addMenu("&View")
        self.presentation_action = self._action(
            view, "Presentation mode", self.toggle_presentation, "F11", "presentationAction"
        )
        self.presentation_action.setCheckable(True)
        self.clear_runs_action = self._action(view, "Clear old runs", self.workspace.clear, None, "clearRunsAction")
        self.clear_runs_action.setToolTip("Take the kept runs and seed comparisons off the plots")
        self.fit_action = self._action(view, "Show every run whole", self.plots.fit_all, "A", "fitAllAction")
        self.fit_action.setToolTip("After zooming or panning a plot: every plot shows every run whole again")
        view.addSeparator()
        view.addAction(self.time_travel.inspector_action)
        for action in self.time_travel.actions:
            view.addAction(action)
        view.addSeparator()
        self.restore_defaults_action = self._action(
            view, "Restore defaults", self.restore_defaults, None, "restoreDefaultsAction"
        )
        self.restore_defaults_action.setToolTip("Every setting back to its default, for a clean start (a new run)")
        self.toolbar.addAction(self.clear_runs_action)
        run.addSeparator()
        run.addAction(self.sweeps.compare_action)
        run.addAction(self.sweeps.sweep_action)
        run.addAction(self.race.race_action)
        self.toolbar.addAction(self.sweeps.compare_action)

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "Shortcuts", self.show_shortcuts, None, "shortcutsAction")

    def _build_status_bar(self) -> None:
        self.statusBar().addPermanentWidget(self.sweeps.progress)  # a sweep's progress, with its Cancel
        self.autosave_warning = QLabel(objectName="autosaveWarning", visible=False)
        self.autosave_warning.setStyleSheet("color: #c62828; font-weight: bold;")
        self.statusBar().addPermanentWidget(self.autosave_warning)
        self.status_labels = {}
        for key in ("epoch", "steps", "speed", "elapsed", "state"):
            # As wide as their text: a narrow window leaves room for the status message.
            label = QLabel(objectName=f"status_{key}")
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label

    def _start_worker(self, config: TrainConfig) -> None:
        self.worker = TrainingWorker(config)
        self.worker.epoch_finished.connect(self._on_epoch)
        self.worker.state_changed.connect(self._on_state)
        self.worker.settled.connect(self._on_settled)
        self.worker.run_created.connect(self._on_run_created)  # a method of the window: run in its thread
        self.worker.failed.connect(self._on_failed)
        self.worker.diverged.connect(self._on_diverged)
        self.jobs.start(self.worker)

    # --- menus -------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{key}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for key, what in SHORTCUTS)
        box = QMessageBox(QMessageBox.Icon.Information, "Shortcuts", f"<table>{rows}</table>", parent=self)
        box.setObjectName("shortcutsBox")
        box.open()

    def toggle_presentation(self) -> None:
        """Full screen, large fonts, thick lines, only Train / Pause / Reset / Play and the learning rate."""
        on = self.presentation_action.isChecked()
        self.plots.set_presentation(on)
        self.controls.set_presentation(on)
        self.render_panel.set_presentation(on)
        self.time_travel.inspector.set_presentation(on)
        self.race.set_presentation(on)
        self.sweeps.set_font_px(PRESENTATION_PX if on else NORMAL_PX)
        # A widget in a toolbar is shown by its action: hide the action, not the widget.
        steps = (self._toolbar_actions[self.step_button], self._toolbar_actions[self.stop_button])
        for action in (*self._lecture_hidden, *steps, self.clear_runs_action):
            action.setVisible(not on)
        self._refresh()  # a toolbar widget's action, changed, enables its widget again (Stop while idle)
        # Every widget that sets no font of its own follows the window's: the controls, buttons,
        # labels, status bar, episode text and action probabilities.
        font = QApplication.font()
        if on:
            font.setPixelSize(PRESENTATION_PX)
        self.setFont(font)
        for menu in self.menuBar().findChildren(QMenu):  # pop-ups are windows of their own
            menu.setFont(font)
        if on:
            self._normal_layout = (self.geometry(), self.splitter.saveState(), self.side.saveState())
            self._normal_pace = self.pace.currentData()
            self.showFullScreen()
            self.setGeometry(self.screen().geometry())  # also where no window manager does it
            self._presentation_panels()
            # Presentation keeps its own pace (slow enough to narrate, until the lecturer picks another).
            pace = self.settings.get("presentation_pace", float)
            self.set_pace(pace if pace in PACES else PRESENTATION_PACE)
        else:
            self.settings.set("presentation_pace", float(self.pace.currentData()))
            self.set_pace(self._normal_pace)
            self.showNormal()
            # Exactly where and how large it was (restoreGeometry moved it by its frame). The panel
            # sizes are put back once the window has its size again, or the resize would rescale them.
            self._panels_due = True
            # The normal fonts' smaller minimum size first, or the window keeps presentation's
            # (e.g. 612 px tall on a 600 px screen) and never gets its old size back.
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            self.setGeometry(self._normal_layout[0])
            self._restore_panels()

    def _presentation_panels(self) -> None:
        """The form keeps a few controls: its width goes to the plots (and a race's lanes), its
        height to the run list. Again at each resize (a projector of another resolution)."""
        form = self.controls.sizeHint().width() + self.controls_scroll.verticalScrollBar().sizeHint().width()
        rest = max(self.width() - form, 0)
        lanes = rest // 2 if self.workspace.race is not None else rest * 2 // 5  # a race's lanes need room
        self.splitter.setSizes([form, rest - lanes, lanes])
        form_h = self.controls.sizeHint().height()
        self.side.setSizes([form_h, max(self.side.height() - form_h, 0)])

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self.presentation_action.isChecked():
            self._presentation_panels()
        self._restore_panels()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.WindowStateChange:  # out of full screen at the same size: no resize comes
            self._restore_panels()

    def _restore_panels(self) -> None:
        """After presentation mode, once the window has its size again (the window system may
        resize it later): the panel sizes as they were."""
        if not self._panels_due:
            return
        geometry, splitter, side = self._normal_layout
        if self.size() == geometry.size() and not self.isFullScreen():
            self._panels_due = False
            self.splitter.restoreState(splitter)
            self.side.restoreState(side)

    def _default_sizes(self) -> list[int]:
        form = self.controls.minimumSizeHint().width() + self.controls_scroll.verticalScrollBar().sizeHint().width()
        return [form, *PANEL_SIZES]

    def restore_defaults(self) -> None:
        """Every setting back to its default (form, smoothing, diagnostic, panel sizes): a new run."""
        self.settings.remove("config")
        self.smoothing.setValue(0.0)
        self.plots.choose_diagnostic()
        self.splitter.setSizes(self._default_sizes())
        self.workspace.reset(TrainConfig(), preset=None)
        self.statusBar().showMessage("Every setting is back to its default; Train starts a new run", 6000)

    def _on_preset_chosen(self, index: int) -> None:
        if index > 0:
            self.files.start_preset(self._presets[index - 1])
        self._show_preset()

    def _show_preset(self) -> None:
        """The preset box shows the active preset, marked "(modified)" once a setting departs from it."""
        config = self._form_config()
        text = self.workspace.preset_text(config) if config is not None else None
        active = self.workspace.preset
        index = next((i + 1 for i, p in enumerate(self._presets) if active is not None and p == active), 0)
        for i, preset in enumerate(self._presets):
            self.preset_combo.setItemText(i + 1, preset.title)
        self.preset_combo.setItemText(0, text if index == 0 and text else NO_PRESET)
        if index:
            self.preset_combo.setItemText(index, text)
        self.preset_combo.setCurrentIndex(index)

    # --- toolbar -----------------------------------------------------------------------------

    def set_pace(self, epochs_per_s: float) -> None:
        """Show epochs at this pace (one of presets.PACES; 0: as fast as they come)."""
        self.pace.setCurrentIndex(self.pace.findData(epochs_per_s))
        self.statusBar().showMessage(f"Pace: {self.pace.currentText()}", 3000)

    def _on_pace(self) -> None:
        self.worker.set_pace(self.pace.currentData())
        self.race.set_pace(self.pace.currentData())

    def show_race(self, view) -> None:
        """The race view in the render panel's place, with room for its lanes (None: the race
        ended, the render panel is back). Racing pauses the live run: the lanes get the cores."""
        if view is not None:
            if self.state == RunState.TRAINING:
                self.worker.pause()
            self.workspace.race.epoch_added.connect(self._on_lane_epoch)
            self.render_panel.stop()
            self.race.set_presentation(self.presentation_action.isChecked())
            sizes = self.splitter.sizes()
            self.splitter.replaceWidget(2, view)
            self.splitter.setSizes([sizes[0], (sizes[1] + sizes[2]) // 2, (sizes[1] + sizes[2]) // 2])
        elif self.splitter.indexOf(self.render_panel) < 0:
            self.splitter.replaceWidget(2, self.render_panel)
            self.render_panel.show()
        self._refresh()

    def _redraw_race(self) -> None:
        # x keeps room ahead while the lanes grow; the diagnostics plot is painted apart, a moment
        # later, so that no single pass of the event loop paints all three plots.
        self.plots.redraw(growing=self.workspace.race is not None, diagnostics=False)
        QTimer.singleShot(RACE_REDRAW_MS // 2, self.plots.redraw_diagnostics)

    def _on_lane_epoch(self, _lane: int, _stats: EpochStats) -> None:
        if not self._redraw_lanes.isActive():
            self._redraw_lanes.start()

    def _step_pace(self, by: int) -> None:
        self.set_pace(self.pace.itemData(min(max(self.pace.currentIndex() + by, 0), self.pace.count() - 1)))

    def on_train(self) -> None:
        if self.state == RunState.TRAINING:
            self.worker.pause()
        elif self._ready_to_run():
            self.worker.train()

    def on_step(self) -> None:
        if self._ready_to_run():
            self.worker.step()

    def on_stop(self) -> None:
        self.worker.stop()

    def on_reset(self) -> None:
        config = None if self._racing() else self.valid_config()
        if config is None:
            return
        self.workspace.reset(self.workspace.reset_settings(config))
        self.statusBar().showMessage("Reset: the next Train starts a new policy", 4000)

    def _ready_to_run(self) -> bool:
        """True when Train / Step may go ahead; otherwise says why in the status bar."""
        config = None if self._racing() else self.valid_config()
        if config is None:
            return False
        if self.workspace.begin(config):  # a new run: its settings are the form's
            self.worker.reset(config, run=self.workspace.live.number)
        elif self.workspace.live.at_cap(config):
            self.statusBar().showMessage(
                f"The run has its {config.epochs} epochs: raise Epochs (0 = until stopped) to go on, or Reset", 6000
            )
            return False
        return True

    def _racing(self) -> bool:
        """A race is on (the lanes have the cores): says so in the status bar."""
        if self.workspace.race is not None:
            self.statusBar().showMessage("A race is on: End race (in the race view) first", 5000)
        return self.workspace.race is not None

    def valid_config(self) -> TrainConfig | None:
        """The form's settings, or None after showing why they are not valid."""
        try:
            config = self.controls.config()
        except ConfigError as exc:
            self.controls.show_error(exc)
            self.statusBar().showMessage(f"Fix the setting first: {exc}", 6000)
            return None
        self.controls.show_error(None)
        return config

    def _form_config(self) -> TrainConfig | None:
        try:
            return self.controls.config()
        except ConfigError:
            return None

    # --- settings ----------------------------------------------------------------------------

    def _on_controls_edited(self) -> None:
        try:
            config = self.controls.config()
        except ConfigError as exc:
            self.controls.show_error(exc)
            return
        self.controls.show_error(None)
        live = self.workspace.live
        cold = self.workspace.edit(config)
        if not live.started:
            self.worker.reset(config, run=live.number)
            self.render_panel.set_env(config.env_id)
            return
        self.worker.apply(config)  # hot settings: from the next epoch
        self.controls.show_pending(cold)
        self.reset_button.setStyleSheet("font-weight: bold; color: #c62828;" if cold else "")
        if cold:
            self.statusBar().showMessage(f"{', '.join(cold)}: applies on Reset", 6000)

    # --- the model ---------------------------------------------------------------------------

    def _on_epoch_added(self, stats: EpochStats) -> None:
        self._show_autosave_warning()
        if not self._redraw.isActive():  # coalesce bursts of fast epochs into one redraw
            self._redraw.start()

    def _on_settings_changed(self) -> None:
        self._show_autosave_warning()
        self._show_preset()
        if not self._redraw.isActive():  # the live run's label follows its settings
            self._redraw.start()

    def _show_live_run(self) -> None:
        """A new live run (Reset, a preset, a session): the form, the worker and the panels follow it."""
        run = self.workspace.live
        self.controls.set_config(run.settings)
        self.worker.reset(run.settings, run.resume_state, run.number)
        self.controls.show_pending([])
        self.reset_button.setStyleSheet("")
        self.render_panel.set_env(run.settings.env_id)
        self.workspace.follow_latest()
        self.time_travel.show()  # the new live run's newest policy (none before its first epoch)
        self._show_autosave_warning()
        self._refresh()  # the plots redraw on the "runs" that follows every new live run

    def show_session_name(self, name: str) -> None:
        """The title bar names the session last saved or opened."""
        self.setWindowTitle(f"{name} - {TITLE}")

    # --- worker signals ----------------------------------------------------------------------

    def _on_run_created(self, info) -> None:
        self.workspace.set_env_info(info)

    def _on_env_changed(self, info) -> None:
        self.plots.set_env(info.reward_threshold, info.max_episode_steps)
        self.render_panel.set_env(info.env_id)

    def _on_epoch(self, run: int, stats: EpochStats, snapshot, record) -> None:
        if not self._closing:
            self.workspace.add_epoch(stats, snapshot, run, record)

    def _show_autosave_warning(self) -> None:
        """Autosave off or paused is shown until it works again; training goes on either way."""
        warning = self.workspace.autosave.warning
        if warning != self.autosave_warning.text():
            self.autosave_warning.setText(warning or "")
            self.autosave_warning.setToolTip(warning or "")
            self.autosave_warning.setVisible(warning is not None)

    def _offer_restore(self, wanted: bool) -> None:
        """After a run that did not close cleanly (a crash, a kill), offer its curves as a kept run."""
        found = self.workspace.autosave.last_run() if wanted else None
        if not found or not found[1]:
            return
        config, history = found
        box = QMessageBox(QMessageBox.Icon.Question, "Restore the last run?", "", parent=self)
        box.setObjectName("restoreBox")
        box.setText(
            f"vpg-gui did not close cleanly; the last run's curves were saved ({len(history)} epochs). "
            "Show them on the plots to compare?"
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        yes = QMessageBox.StandardButton.Yes
        box.buttonClicked.connect(
            lambda b: (
                box.standardButton(b) == yes
                and self.workspace.keep(self.workspace.new_run(history, config, "restored"))
            )
        )
        box.open()

    @property
    def state(self) -> RunState:
        """The training job's state (the model's)."""
        return self.workspace.run_state

    def _on_settled(self, commands: int) -> None:
        # No epoch in flight, unless a command came after the job settled (then it is stale).
        if commands == self.worker.commands:
            self.workspace.set_run_state(self.worker.state, quiet=True)

    def _on_state(self, _state: str) -> None:
        # A queued notice may arrive after a newer command changed the state: show the current one.
        self.workspace.set_run_state(self.worker.state, quiet=False)  # run_state_changed: _refresh
        if self.state != RunState.TRAINING:  # the run stopped growing: x ends at its last epoch
            self.plots.redraw_live()

    def _on_diverged(self, message: str) -> None:
        self.statusBar().showMessage(f"Paused: training diverged. {message}", 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Training diverged", message, parent=self)
        box.setObjectName("divergedBox")
        box.setInformativeText("Training is paused. Lower the learning rate, then press Resume (or Reset).")
        box.open()

    def _on_failed(self, message: str, details: str) -> None:
        # The run cannot go on: it stays on the plots as a kept run; the next Train starts anew.
        self.workspace.reset(self.workspace.live.settings)
        box = QMessageBox(QMessageBox.Icon.Warning, "Training stopped", message, parent=self)
        box.setInformativeText("The curves so far are kept. Check the settings, then press Train to start anew.")
        box.setDetailedText(details)
        box.open()

    def _redraw_live_run(self) -> None:
        self.plots.redraw_live(growing=self.state == RunState.TRAINING)
        self._refresh()

    def _refresh(self) -> None:
        labels = {RunState.TRAINING: "Pause", RunState.PAUSED: "Resume", RunState.IDLE: "Train"}
        self.train_button.setText(labels[self.state])
        self.stop_button.setEnabled(self.state != RunState.IDLE)
        racing = self.workspace.race is not None  # the lanes have the cores: the live run waits
        for widget in (self.train_button, self.step_button, self.reset_button, self.train_action):
            widget.setEnabled(not racing)
        self.race_gif_action.setEnabled(racing)
        last = self.history[-1] if self.history else None
        total_steps, elapsed = self.workspace.live.totals()
        self.status_labels["epoch"].setText(f"epoch {last.epoch if last else 0}")
        self.status_labels["steps"].setText(f"{total_steps:,} steps")
        self.status_labels["speed"].setText(f"{last.steps_per_s:,.0f} steps/s" if last else "- steps/s")
        self.status_labels["elapsed"].setText(f"{int(elapsed // 60)}:{elapsed % 60:04.1f} trained")
        self.status_labels["state"].setText(self.workspace.state_text())

    # --- remembered settings and shutdown ----------------------------------------------------

    def _restore_layout(self) -> None:
        """The remembered geometry and panel sizes; a value Qt does not take is dropped."""
        for key, restore in (("geometry", self.restoreGeometry), ("splitter", self.splitter.restoreState)):
            value = self.settings.get(key)
            if value is not None and not (_is_hex(value) and restore(QByteArray(bytes.fromhex(value)))):
                self.settings.remove(key)
                if not value.startswith(QT_GEOMETRY):  # Qt's own, refused for another screen: nothing to say
                    self._dropped.append(key)

    def _saved_config(self) -> TrainConfig:
        """The settings of last time, or the defaults when there are none or they are not valid
        (an env id naming a module is one: a settings file never imports anything)."""
        data = self.settings.get("config", dict)
        if data is None:
            return TrainConfig()
        try:
            return TrainConfig.from_dict(data)
        except ConfigError as exc:
            self.settings.remove("config")
            self._dropped.append(f"the training settings ({exc})")
            return TrainConfig()

    def _save_settings(self) -> None:
        self.settings.set("geometry", bytes(self.saveGeometry()).hex())
        self.settings.set("splitter", bytes(self.splitter.saveState()).hex())
        config = self._form_config()
        if config is not None:
            self.settings.set("config", config.to_dict())
        try:
            self.settings.save()
        except OSError as exc:  # closing goes on: the settings of this time are what is lost
            print(f"vpg-gui: settings not saved: {os_reason(exc)}", file=sys.stderr)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._closing = True
        if self.presentation_action.isChecked():  # remember the normal layout, not the full screen
            self.presentation_action.setChecked(False)
            self.toggle_presentation()
        self._save_settings()
        self.render_panel.stop()
        self.jobs.shutdown()  # training, a sweep and its Ray, files being written: all end here
        self.workspace.close()
        event.accept()
