"""The File menu's work for MainWindow: presets, sessions and exports.

Every file is written atomically; every file read is checked in full before anything on screen
changes, and a bad one is refused with a message. GIFs are written on a background thread.

    window.open_preset_file("assets/presets/02-reward-to-go.toml")
    window.save_session_file("lecture.vpgsession")   # written once the worker hands over its state
    window.open_session_file("lecture.vpgsession")
    window.export_plots("plots.svg")
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, QRectF, Signal
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from vpg_gui.config import ConfigError
from vpg_gui.core.checkpoint import CheckpointError
from vpg_gui.core.files import atomic_write_bytes
from vpg_gui.core.metrics import csv_text
from vpg_gui.presets import PRESETS_DIR, Preset, load_preset, save_preset

SESSION_FILTER = "vpg-gui sessions (*.vpgsession)"


class _GifJob(QObject):
    """Writes a GIF on a Python thread; reports back through queued signals."""

    done = Signal(str, int)  # path, frames
    failed = Signal(str)

    def __init__(self, path: str, frames, fps: int):
        super().__init__()
        self.cancelled = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(path, frames, fps), daemon=True)

    def _run(self, path, frames, fps):
        from vpg_gui.core.gif import GifCancelled, write_gif

        try:
            self.done.emit(path, write_gif(path, frames, fps, cancel=self.cancelled.is_set))
        except GifCancelled:
            pass
        except Exception as exc:  # shown in a dialog; nothing half-written stays behind
            self.failed.emit(f"{Path(path).name}: {exc}")


class FileActions:
    """Mixed into MainWindow (which provides controls, plots, worker, history, ...)."""

    # --- presets -----------------------------------------------------------------------------

    def open_preset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open preset", str(PRESETS_DIR), "Presets (*.toml)")
        if path:
            self.open_preset_file(path)

    def open_preset_file(self, path: str | Path) -> bool:
        try:
            preset = load_preset(path)
        except ConfigError as exc:
            self._refuse("Cannot open preset", str(exc))
            return False
        self.preset_physics = {preset.config.env_id: preset.config.physics}
        self.controls.set_config(preset.config)
        self._on_controls_edited()
        self.statusBar().showMessage(f"Preset: {preset.title}. {preset.description}", 15000)
        return True

    def save_preset(self) -> None:
        config = self._valid_config()
        if config is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save preset", "my-preset.toml", "Presets (*.toml)")
        if not path:
            return
        title, ok = QInputDialog.getText(self, "Save preset", "Title shown in the preset menu:", text=Path(path).stem)
        if ok:
            self._write(lambda: save_preset(path, Preset(title, "", config)), f"Preset saved to {path}")

    # --- sessions ----------------------------------------------------------------------------

    def save_session(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save session", "session.vpgsession", SESSION_FILTER)
        if path:
            self.save_session_file(path)

    def save_session_file(self, path: str | Path) -> None:
        """Asks the worker for the run's state (taken between epochs), then writes the file."""
        self._pending_session_path = str(path)
        self.worker.request_state()

    def _on_state_ready(self, state: dict) -> None:
        from vpg_gui.core.session import save_session

        path, self._pending_session_path = getattr(self, "_pending_session_path", None), None
        if path is None:
            return
        if not self.history:  # no run yet: the session holds the form's settings
            config = self._valid_config()
            state = {"config": config.to_dict()} if config else state
        kept = [(run.label, run.history) for run in self.plots.kept]
        self._write(lambda: save_session(path, state, kept), f"Session saved to {path}")

    def open_session(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session", "", SESSION_FILTER + ";;All files (*)")
        if path:
            self.open_session_file(path)

    def open_session_file(self, path: str | Path) -> bool:
        """Restore a saved session; a file that is not a valid session leaves everything as it was."""
        from vpg_gui.core.session import read_session
        from vpg_gui.core.trainer import Trainer

        try:
            session = read_session(path)
            trainer = Trainer.from_state(path, session.trainer_state) if session.trainer_state else None
        except (CheckpointError, ConfigError) as exc:
            self._refuse("Cannot open session", str(exc))
            return False
        self.controls.set_config(session.config)
        self.plots.clear_kept_runs()
        for label, history in session.kept_runs:
            self.plots.keep_run(label, history)
        self.snapshots.clear()
        if trainer is not None:  # built here to check the file; the worker's process continues it
            trainer.close()
            self._run_id = self.worker.reset(session.config, session.trainer_state)
            self._run_config = session.config
            self.plots.set_env(trainer.info.reward_threshold, trainer.info.max_episode_steps)
            self.render_panel.set_env(session.config.env_id)
            self._on_policy(trainer.sampling_policy(), len(session.history))
        else:
            self._run_id = self.worker.reset(session.config)
            self._run_config = None
            self.render_panel.clear_policy()
        self.history = list(session.history)
        self.plots.set_history(self.history)
        if trainer is not None:
            self._start_autosave(self.history)
        self.controls.show_pending([])
        self._refresh()
        self.statusBar().showMessage(f"Session {Path(path).name}: {len(self.history)} epochs; Train continues", 8000)
        return True

    # --- exports -----------------------------------------------------------------------------

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export metrics", "metrics.csv", "CSV (*.csv)")
        if path:
            self.export_csv_file(path)

    def export_csv_file(self, path: str | Path) -> None:
        history = self.history
        self._write(lambda: atomic_write_bytes(path, csv_text(history).encode()), f"Metrics saved to {path}")

    def export_plots_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export plots", "plots.png", "PNG image (*.png);;SVG (*.svg)")
        if path:
            self.export_plots(path)

    def export_plots(self, path: str | Path) -> None:
        """Both plots as they are on screen: PNG (pixels) or SVG (vector), by the file's suffix."""
        path = Path(path)
        if path.suffix.lower() == ".svg":
            self._write(lambda: self._write_svg(path), f"Plots saved to {path}")
        else:
            image = self.plots.grab()
            self._write(lambda: atomic_write_bytes(path, _png_bytes(image)), f"Plots saved to {path}")

    def _write_svg(self, path: Path) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        generator = QSvgGenerator()
        generator.setFileName(str(tmp))
        generator.setSize(self.plots.size())
        generator.setViewBox(QRectF(0, 0, self.plots.width(), self.plots.height()))
        generator.setTitle("vpg-gui plots")
        painter = QPainter(generator)
        self.plots.render(painter, QPoint(0, 0))
        painter.end()
        tmp.replace(path)

    def export_episode_gif(self) -> None:
        episode = self.render_panel.current_episode()
        if episode is None:
            self._refuse("Nothing to export", "Press Play first: the episode on the render panel is what is saved.")
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export episode", "episode.gif", "GIF (*.gif)")
        if path:
            self.export_episode_gif_file(path)

    def export_episode_gif_file(self, path: str | Path) -> None:
        from vpg_gui.core.episode import replay_frames

        env_id, seed, actions, fps = self.render_panel.current_episode()
        self._start_gif(str(path), replay_frames(env_id, seed, actions), fps)

    def record_evolution(self) -> None:
        if not self.snapshots:
            self._refuse("Nothing to record", "Train a few epochs first: each epoch keeps a snapshot of the policy.")
            return
        epochs = sorted(self.snapshots)
        default = ", ".join(str(epochs[round(i * (len(epochs) - 1) / 4)]) for i in range(5)) if len(epochs) > 4 else ""
        text, ok = QInputDialog.getText(
            self, "Record evolution", f"Epochs to play, one after another (1-{epochs[-1]}):", text=default
        )
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Record evolution", "evolution.gif", "GIF (*.gif)")
        if path:
            self.record_evolution_file(path, text)

    def record_evolution_file(self, path: str | Path, epochs_text: str) -> bool:
        from vpg_gui.core.gif import evolution_frames

        try:
            epochs = [int(p) for p in epochs_text.replace(",", " ").split()]
        except ValueError:
            epochs = []
        missing = [e for e in epochs if e not in self.snapshots]
        if not epochs or missing:
            have = f"1-{max(self.snapshots)}" if self.snapshots else "none yet"
            self._refuse(
                "Record evolution", f"epochs {epochs_text!r}: give epochs of this run ({have}), e.g. 1, 10, 20"
            )
            return False
        env_id = self._run_config.env_id if self._run_config else self.controls.config().env_id
        frames = evolution_frames(env_id, [(e, self.snapshots[e]) for e in epochs])
        self._start_gif(str(path), frames, self.render_panel.fps())
        return True

    def _start_gif(self, path: str, frames, fps: int) -> None:
        job = _GifJob(path, frames, fps)
        job.done.connect(lambda p, n: self.statusBar().showMessage(f"GIF saved to {p} ({n} frames)", 8000))
        job.failed.connect(lambda message: self._refuse("GIF not saved", message))
        job.done.connect(lambda *_: self.gif_jobs.remove(job))
        job.failed.connect(lambda *_: self.gif_jobs.remove(job))
        self.gif_jobs.append(job)
        self.statusBar().showMessage(f"Writing {path} ...")
        job.thread.start()

    def cancel_gif_jobs(self, timeout: float) -> None:
        for job in list(self.gif_jobs):
            job.cancelled.set()
            job.thread.join(timeout)

    # --- helpers -----------------------------------------------------------------------------

    def _write(self, write, done_message: str) -> bool:
        try:
            write()
        except OSError as exc:
            self._refuse("Could not save", f"{exc.filename or ''}: {exc.strerror or exc}. Choose another place.")
            return False
        self.statusBar().showMessage(done_message, 6000)
        return True

    def _refuse(self, title: str, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.open()  # not exec(): the window (and training) goes on


def _png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())
