"""The window's sweeps: Run > Compare seeds (Ctrl+K) and Run > Sweep... (Ctrl+Shift+K), both on
the Ray engine of vpg-sweep, one at a time, in the background while the live run goes on.

Compare seeds draws the seeds' mean +- std on the return plot as they arrive (a seed group of
the workspace). A sweep fills the sensitivity plot (in the Sweep dock) as its trials end;
clicking a point puts that value's learning curves on the return plot as kept runs. The status
bar shows the progress, with a Cancel; what arrived stays. One runs at a time: asking for another
stops the running one, and the new one is asked for again once that one's Ray is gone.

    sweeps = SweepActions(window, workspace, window.valid_config, window.settings, window.jobs)
    run_menu.addAction(sweeps.compare_action); run_menu.addAction(sweeps.sweep_action)
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QMessageBox, QProgressBar, QPushButton, QWidget

from vpg_gui.model.runs import SeedGroup, Workspace
from vpg_gui.qt.jobs.background import Jobs
from vpg_gui.qt.jobs.sweep import SweepJob
from vpg_gui.qt.views.sensitivity_plot import SensitivityPlot
from vpg_gui.qt.views.sweep_dialog import SweepDialog
from vpg_gui.storage.user_settings import UserSettings
from vpg_gui.sweeps.spec import SweepSpec, value_text

COMPARE_SEEDS = 5
DEFAULT_COMPARE_EPOCHS = 50  # what Compare seeds runs when Epochs is 0 (until stopped)
DOCK_HEIGHT = 260  # the sensitivity plot's first height: the return plot keeps most of its own
ADDRESS_KEY = "sweep/address"  # the Ray cluster of the last sweep ("" = this machine)


class SweepActions(QObject):
    def __init__(self, window, workspace: Workspace, config_source, settings: UserSettings, jobs: Jobs):
        super().__init__(window)
        self.window, self.workspace, self.config_source = window, workspace, config_source
        self.jobs = jobs  # the window's background work, which a sweep runs as
        self.job: SweepJob | None = None  # the last one started
        # Where the running job's epochs go: a seed group (Compare seeds), or the model's sweep.
        self._group: SeedGroup | None = None
        self._seed_of: dict[str, int] = {}  # the comparison's trial names -> seeds
        self._results = None  # the sweep's SweepResults (the model's, until a session replaces it)
        self._what = ""  # "Sweep" or "Compare seeds", for the progress bar and messages
        self.settings = settings  # the Ray address of the last sweep

        self.compare_action = QAction("Compare seeds", window, objectName="compareSeedsAction", shortcut="Ctrl+K")
        self.compare_action.setToolTip(
            f"Train {COMPARE_SEEDS} seeds of the current settings in the background and draw their mean ± std "
            "on the return plot: is a difference between two runs more than luck?"
        )
        self.compare_action.triggered.connect(self.compare_seeds)
        self.sweep_action = QAction("Sweep...", window, objectName="sweepAction", shortcut="Ctrl+Shift+K")
        self.sweep_action.setToolTip(
            "Train one setting over several values and seeds in the background (on Ray) and plot the final "
            "return against the values: how sensitive is learning to it?"
        )
        self.sweep_action.triggered.connect(self.open_sweep_dialog)

        self.progress = QWidget(objectName="sweepProgress", visible=False)
        row = QHBoxLayout(self.progress)
        row.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(textVisible=True, objectName="sweepBar")
        self.bar.setMinimumWidth(260)
        cancel = QPushButton("Cancel", objectName="sweepCancel", toolTip="Stop the sweep; what arrived stays")
        cancel.clicked.connect(self.cancel)
        row.addWidget(self.bar)
        row.addWidget(cancel)

        self.plot = SensitivityPlot()
        self.plot.point_clicked.connect(self.show_curves)
        workspace.sweep_changed.connect(self._render)
        self.dock = QDockWidget("Sweep", window, objectName="sweepDock")
        self.dock.setWidget(self.plot)
        self.dock.hide()
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)

    # --- commands ----------------------------------------------------------------------------

    def running(self) -> bool:
        """A sweep or comparison runs or still shuts its Ray down."""
        return self.job is not None and self.job in self.jobs.running()

    def busy(self) -> bool:
        """One Ray at a time: while a sweep runs or still shuts its Ray down, a new one would start
        another Ray on the same cores. So the running one is stopped, and the new one waits to be
        asked again (the status bar says so)."""
        if not self.running():
            return False
        if not self.job.cancelled.is_set():
            self.cancel()
        self.window.statusBar().showMessage("Stopping the last sweep first: press again in a moment", 5000)
        return True

    def compare_seeds(self) -> None:
        config = self.config_source()
        if config is None or self.busy():
            return
        config = config.replace(epochs=config.epochs or DEFAULT_COMPARE_EPOCHS)
        seeds = tuple(range(config.seed, config.seed + COMPARE_SEEDS))
        spec = SweepSpec(config, {}, seeds)
        self._group, self._results = self.workspace.add_seed_group(config, seeds), None
        self._seed_of = {trial.name: trial.config.seed for trial in spec.trials()}
        self._start(spec, "Compare seeds")

    def open_sweep_dialog(self) -> None:
        config = self.config_source()
        if config is None or self.busy():
            return
        dialog = SweepDialog(config, self.settings.get(ADDRESS_KEY), self.window)
        dialog.accepted.connect(lambda: self.start_sweep(dialog.spec, dialog.address))
        dialog.open()

    def start_sweep(self, spec: SweepSpec, address: str | None = None) -> None:
        if self.busy():
            return
        self.settings.set(ADDRESS_KEY, address or "")
        self._group, self._results = None, self.workspace.start_sweep(spec)  # sweep_changed: _render
        self._start(spec, "Sweep", address)

    def _render(self) -> None:
        """The model's sweep in the sensitivity plot; the dock opens when there is one."""
        sweep = self.workspace.sweep
        if sweep is None:
            self.dock.hide()
            return
        self.plot.render(sweep)
        if not self.dock.isVisible():
            self.dock.show()
            self.window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    def show_curves(self, name: str, value) -> None:
        """That value's trials, one kept run per seed, on the return plot."""
        sweep = self.workspace.sweep
        if sweep is None:
            return
        for trial, history in sweep.histories_with(name, value).items():
            config = sweep.trials[trial].trial.config
            self.workspace.keep(self.workspace.new_run(history, config, f"sweep {name} {value_text(name, value)}"))
        self.window.statusBar().showMessage(f"{name} {value_text(name, value)}: its seeds are on the return plot", 4000)

    def cancel(self) -> None:
        """Stop the sweep or comparison running; the epochs that arrived stay on the plots."""
        if self.running() and not self.job.cancelled.is_set():
            self.job.cancel()  # its thread ends once Ray has shut down (closing waits for it)
            self.window.statusBar().showMessage("Sweep cancelled; what arrived stays on the plots", 4000)
        self.progress.hide()

    def set_font_px(self, px: int) -> None:
        """The sensitivity plot's text size (presentation mode)."""
        self.plot.set_font_px(px)

    # --- the job -----------------------------------------------------------------------------

    def _start(self, spec: SweepSpec, what: str, address: str | None = None) -> None:
        job = self.job = SweepJob(spec, address or self.settings.get(ADDRESS_KEY) or None)
        self._what = what
        self.bar.setRange(0, 0)  # busy until Ray is up
        self.bar.setFormat(f"{what}: starting Ray...")
        self.window.statusBar().showMessage(f"{what}: starting Ray (a few seconds)...", 8000)
        # Methods of this object, so each runs in the window's thread (the job's signals are queued).
        job.ready.connect(self._ready)
        job.epoch.connect(self._on_epoch)
        job.trial_ended.connect(self._on_trial_ended)
        job.progress.connect(self._show_progress)
        job.failed.connect(self._failed)
        job.finished.connect(self.progress.hide)
        self.progress.show()
        self.jobs.start(job)

    def _on_epoch(self, name: str, stats) -> None:
        if self.sender() is not self.job:  # a cancelled job's last epochs: it is no longer shown
            return
        if self._group is not None:
            self.workspace.add_seed_epoch(self._group, self._seed_of[name], stats)
        else:
            self.workspace.add_sweep_epoch(self._results, name, stats)

    def _on_trial_ended(self, name: str, seconds: float, node: str, error: str) -> None:
        if self.sender() is self.job and self._results is not None:
            self.workspace.end_sweep_trial(self._results, name, seconds, node, error)

    def _ready(self, info: dict) -> None:
        self.bar.setFormat(f"{self._what} on {info['cpus']} CPUs: %v / %m epochs")

    def _show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _failed(self, message: str) -> None:
        what = self._what
        self.progress.hide()
        box = QMessageBox(QMessageBox.Icon.Warning, what, f"{what} stopped: {message}", parent=self.window)
        box.setObjectName("sweepFailedBox")
        box.open()
