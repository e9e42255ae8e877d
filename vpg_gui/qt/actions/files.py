"""The File menu's work: presets, sessions and exports. A collaborator of MainWindow, given the
workspace (model/runs.py) it reads and commands; the window renders what changes.

Every file is written atomically; every file read is checked in full before anything on screen
changes, and a bad one is refused with a message. GIFs are written on a background thread.
Opening or saving a session needs no torch in the window's process.

    files = FileActions(window, workspace, settings)
    files.open_preset_file("assets/presets/02-reward-to-go.toml")   # a new run from the preset
    files.save_session_file("lecture.vpgsession")   # written once the worker hands over its state
    files.open_session_file("lecture.vpgsession")
    files.export_plots("plots.svg")
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from vpg_gui.algo.checkpoint import CheckpointError
from vpg_gui.algo.metrics import csv_text
from vpg_gui.config import ConfigError
from vpg_gui.envs.physics import parse_physics
from vpg_gui.formats.files import atomic_write_bytes, os_reason
from vpg_gui.model.runs import Workspace
from vpg_gui.qt.jobs.background import Job, Jobs
from vpg_gui.qt.views.export import DEFAULT_WIDTH, EXPORT_CHOICES, PLOTS, slide_size, write_plots, write_widget
from vpg_gui.storage.presets import PRESETS, Preset, load_preset, save_preset
from vpg_gui.storage.user_settings import UserSettings

SESSION_FILTER = "vpg-gui sessions (*.vpgsession)"


class FileJob(Job):
    """Writes a file in the background (a job of the window's Jobs), so the window never waits
    for it. ``work(cancelled)`` writes the file and returns what to say when done; ``then``
    (optional) is called in the window's thread once it is written."""

    done = Signal(object, str)  # the job, the message
    failed = Signal(str)

    def __init__(self, path: str, work, then=None):
        super().__init__(f"writing {path}")
        self.path, self._work, self.then = path, work, then

    def work(self) -> None:
        from vpg_gui.storage.gif import GifCancelled

        try:
            self.done.emit(self, self._work(self.cancelled))
        except GifCancelled:
            pass
        except OSError as exc:
            exc.filename = exc.filename or self.path
            self.failed.emit(f"{os_reason(exc)}. Choose another place.")
        except Exception as exc:  # shown in a dialog; nothing half-written stays behind
            self.failed.emit(f"{Path(self.path).name}: {exc}")


class FileActions(QObject):
    def __init__(self, window, workspace: Workspace, settings: UserSettings, jobs: Jobs):
        super().__init__(window)
        self.window = window  # MainWindow: dialogs' parent, status bar, worker, panels
        self.workspace = workspace
        self.settings = settings  # the folder save dialogs open in
        self.jobs = jobs  # the window's background work, which files are written as
        self._session_path: str | None = None  # a save waiting for the worker's state
        window.worker.state_ready.connect(self._on_state_ready)

    # --- presets -----------------------------------------------------------------------------

    def open_preset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open preset", str(PRESETS), "Presets (*.toml)")
        if path:
            self.open_preset_file(path)

    def open_preset_file(self, path: str | Path) -> bool:
        """A new run from the preset (the current one is kept to compare)."""
        try:
            preset = load_preset(path)
        except ConfigError as exc:
            self._refuse("Cannot open preset", str(exc))
            return False
        self.start_preset(preset)
        return True

    def start_preset(self, preset: Preset) -> None:
        self.workspace.start_preset(preset)
        if preset.pace is not None:  # the lecture step's pace, e.g. slow enough to watch lr 0.3 collapse
            self.window.set_pace(preset.pace)
        self._say(f"Preset: {preset.title}. {preset.description} Train starts it.", 15000)

    def save_preset(self) -> None:
        config = self.window.valid_config()
        if config is None:
            return
        path = self._save_path("Save preset", "my-preset.toml", "Presets (*.toml)")
        if not path:
            return
        title, ok = QInputDialog.getText(
            self.window, "Save preset", "Title shown in the preset menu:", text=Path(path).stem
        )
        if ok:
            self._write(lambda: save_preset(path, Preset(title, "", config)), f"Preset saved to {path}")

    # --- sessions ----------------------------------------------------------------------------

    def save_session(self) -> None:
        path = self._save_path("Save session", "session.vpgsession", SESSION_FILTER)
        if path:
            self.save_session_file(path)

    def save_session_file(self, path: str | Path) -> None:
        """Asks the worker for the live run's networks (taken between epochs), then writes the file."""
        self._session_path = str(path)
        self.window.worker.request_state()

    def _on_state_ready(self, state: dict) -> None:
        from vpg_gui.storage.session import session_payload, write_payload

        path, self._session_path = self._session_path, None
        if path is None:
            return
        networks = state if "policy" in state and self.workspace.live.history else None
        diagnostic = self.window.plots.diagnostic
        payload = session_payload(self.workspace, networks, diagnostic)  # taken now; written on a thread
        self._start_job(
            path,
            lambda _: write_payload(path, payload) or f"Session saved to {path}",
            then=lambda: self.window.show_session_name(Path(path).name),
        )

    def open_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", "", SESSION_FILTER + ";;All files (*)")
        if path:
            self.open_session_file(path)

    def open_session_file(self, path: str | Path) -> bool:
        """Restore a saved session; a file that is not a valid session leaves everything as it was."""
        from vpg_gui.storage.session import read_session

        try:
            session = read_session(path)
        except (CheckpointError, ConfigError) as exc:
            self._refuse("Cannot open session", str(exc))
            return False
        self.workspace.adopt(session.live, session.kept, session.seed_groups, session.preset, session.sweep)
        self.workspace.set_env_info(session.info)
        if session.diagnostic is not None:  # one this window does not have (a later version's) is left out
            self.window.plots.choose_diagnostic(session.diagnostic)
        epochs = len(session.live.history)
        self.window.show_session_name(Path(path).name)
        self._say(f"Session {Path(path).name}: {epochs} epochs" + ("; Train continues" if epochs else ""), 8000)
        return True

    # --- exports -----------------------------------------------------------------------------

    def export_csv(self) -> None:
        path = self._save_path("Export metrics", "metrics.csv", "CSV (*.csv)")
        if path:
            self.export_csv_file(path)

    def export_csv_file(self, path: str | Path) -> None:
        history = list(self.workspace.live.history)
        self._write(lambda: atomic_write_bytes(path, csv_text(history).encode()), f"Metrics saved to {path}")

    def export_plots_dialog(self) -> None:
        path = self._save_path("Export plots", "plots.png", "PNG image (*.png);;SVG (*.svg)")
        if not path:
            return
        width, ok = QInputDialog.getInt(
            self.window, "Export plots", "Width in pixels (16:9; a slide: 1920):", DEFAULT_WIDTH, 320, 7680, 10
        )
        if not ok:
            return
        choice, ok = QInputDialog.getItem(self.window, "Export plots", "Plots:", list(EXPORT_CHOICES), 0, False)
        if ok:
            self.export_plots(path, width, EXPORT_CHOICES[choice])

    def export_plots(self, path: str | Path, width: int = DEFAULT_WIDTH, which: tuple[str, ...] = PLOTS) -> None:
        """A 16:9 slide of the plots (all three, or ``which``), with the runs as a legend and the
        markers, ``width`` pixels wide: PNG or SVG by the file's suffix (qt/export.py)."""
        plots = self.window.plots
        size = slide_size(width)
        self._write(
            lambda: write_plots(plots, path, width, which),
            f"Plots saved to {path} ({size.width()}x{size.height()})",
        )

    def export_inspector(self) -> None:
        path = self._save_path("Export the update inspector", "update.png", "PNG image (*.png);;SVG (*.svg)")
        if path:
            self.export_inspector_file(path)

    def export_inspector_file(self, path: str | Path, width: int = DEFAULT_WIDTH) -> bool:
        """The update inspector as it shows its epoch (what if, row order), as a 16:9 slide with
        22 px text at 1920, PNG or SVG by the suffix."""
        inspector = self.window.time_travel.inspector
        if inspector.record is None:
            self._refuse("Nothing to export", "Open View > Inside the update (U) on an epoch with its batch first.")
            return False
        figure = inspector.twin()
        size = slide_size(width)
        try:
            return self._write(
                lambda: write_widget(figure, path, width),
                f"Update inspector saved to {path} ({size.width()}x{size.height()})",
            )
        finally:
            figure.deleteLater()

    def export_episode_gif(self) -> None:
        if self.window.render_panel.current_episode() is None:
            self._refuse("Nothing to export", "Press Play first: the episode on the render panel is what is saved.")
            return
        path = self._save_path("Export episode", "episode.gif", "GIF (*.gif)")
        if path:
            self.export_episode_gif_file(path)

    def export_episode_gif_file(self, path: str | Path) -> None:
        from vpg_gui.playback.episode import replay_frames

        env_id, seed, actions, fps, physics = self.window.render_panel.current_episode()
        self._start_gif(str(path), replay_frames(env_id, seed, actions, physics), fps)

    def export_race_gif(self) -> None:
        race = self.workspace.race
        if race is None or not all(lane.run.snapshots for lane in race.lanes):
            self._refuse("Nothing to export", "Start a race (Run > Race...) and let every lane finish an epoch first.")
            return
        path = self._save_path("Export race GIF", "race.gif", "GIF (*.gif)")
        if path:
            self.export_race_gif_file(path)

    def export_race_gif_file(self, path: str | Path) -> None:
        """Every lane's newest policy playing one episode from the same start, side by side,
        each labelled with its lane, its label and its epoch."""
        from vpg_gui.envs.make import env_info
        from vpg_gui.storage.gif import race_frames

        labels = dict((item.number, text) for item, text in self.workspace.listed())
        lanes = []
        for number, lane in enumerate(self.workspace.race.lanes, 1):
            run, epoch = lane.run, max(lane.run.snapshots)
            title = f"{number}. {labels.get(run.number, run.name)}, epoch {epoch}"
            lanes.append((title, run.config.env_id, run.snapshots[epoch], dict(run.settings.physics)))
        self._start_gif(str(path), race_frames(lanes), env_info(lanes[0][1]).render_fps)

    def record_evolution(self) -> None:
        snapshots = self.workspace.live.snapshots
        if not snapshots:
            self._refuse("Nothing to record", "Train a few epochs first: each epoch keeps a snapshot of the policy.")
            return
        epochs = sorted(snapshots)
        default = ", ".join(str(epochs[round(i * (len(epochs) - 1) / 4)]) for i in range(5)) if len(epochs) > 4 else ""
        text, ok = QInputDialog.getText(
            self.window, "Record evolution", f"Epochs to play, one after another (1-{epochs[-1]}):", text=default
        )
        if not ok:
            return
        path = self._save_path("Record evolution", "evolution.gif", "GIF (*.gif)")
        if path:
            self.record_evolution_file(path, text)

    def record_evolution_file(self, path: str | Path, epochs_text: str) -> bool:
        from vpg_gui.storage.gif import evolution_frames

        live = self.workspace.live
        try:
            epochs = [int(p) for p in epochs_text.replace(",", " ").split()]
        except ValueError:
            epochs = []
        missing = [e for e in epochs if e not in live.snapshots]
        if not epochs or missing:
            have = f"1-{max(live.snapshots)}" if live.snapshots else "none yet"
            self._refuse(
                "Record evolution", f"epochs {epochs_text!r}: give epochs of this run ({have}), e.g. 1, 10, 20"
            )
            return False
        physics = {s.epoch: dict(parse_physics(s.physics)) for s in live.history}  # in force at each epoch
        frames = evolution_frames(live.config.env_id, [(e, live.snapshots[e], physics.get(e, {})) for e in epochs])
        self._start_gif(str(path), frames, self.window.render_panel.fps())
        return True

    def _start_gif(self, path: str, frames, fps: int) -> None:
        from vpg_gui.storage.gif import write_gif

        def work(cancelled) -> str:
            return f"GIF saved to {path} ({write_gif(path, frames, fps, cancel=cancelled.is_set)} frames)"

        self._start_job(path, work)

    def _start_job(self, path: str, work, then=None) -> None:
        """On closing, a GIF being written stops at once; a session being written is waited for."""
        job = FileJob(str(path), work, then)
        job.done.connect(self._written)  # methods of this object: called in the window's thread
        job.failed.connect(self._not_written)
        self._say(f"Writing {path} ...")
        self.jobs.start(job)

    def _written(self, job: FileJob, message: str) -> None:
        self._say(message, 8000)
        if job.then is not None:
            job.then()

    def _not_written(self, message: str) -> None:
        self._refuse("Not saved", message)

    # --- helpers -----------------------------------------------------------------------------

    def _write(self, write, done_message: str) -> bool:
        try:
            write()
        except OSError as exc:
            self._refuse("Could not save", f"{os_reason(exc)}. Choose another place.")
            return False
        self._say(done_message, 6000)
        return True

    def _save_path(self, title: str, name: str, filters: str) -> str:
        """A save dialog that opens in the folder used last time (remembered across launches)."""
        folder = self.settings.get("saveFolder") or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self.window, title, str(Path(folder) / name), filters)
        if path:
            self.settings.set("saveFolder", str(Path(path).parent))
        return path

    def _say(self, message: str, ms: int = 0) -> None:
        self.window.statusBar().showMessage(message, ms)

    def _refuse(self, title: str, message: str) -> None:
        self._say(message, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self.window)
        box.open()  # not exec(): the window (and training) goes on
