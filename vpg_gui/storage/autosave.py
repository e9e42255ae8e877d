"""Autosave: each run's history appended to ``last-run.csv`` in a data directory, one row per
epoch, with its settings in ``last-run.toml``.

A window that closes cleanly moves them to ``previous-run.*``: ``last_run()`` finds a run only
after an exit that was not clean (a crash, a kill), which is when the window offers it back.
One writer per directory: the first window holds ``autosave.lock`` (storage/run_dir.py's lock);
another window's autosave stays off and says why. A file-system fault (a read-only or full
directory) never stops training: autosave pauses, ``warning`` says why, and the next run tries
again. The run before is kept as ``previous-run.csv``.

>>> import tempfile, pathlib
>>> from vpg_gui.config import TrainConfig
>>> saver = Autosave(pathlib.Path(tempfile.mkdtemp()))
>>> saver.start([], TrainConfig(lr=0.05))
>>> config, history = saver.last_run()
>>> saver.warning, config.lr, history
(None, 0.05, [])
>>> other = Autosave(saver.directory)
>>> other.start([], TrainConfig())
>>> other.warning
'Autosave off: another vpg-gui window saves its runs in this directory'
>>> other.close(); saver.close()
>>> saver.last_run() is None   # closed cleanly: nothing to offer at the next start
True
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from vpg_gui.algo.metrics import EpochStats, MetricsCsv, read_csv
from vpg_gui.config import TrainConfig
from vpg_gui.formats.checked_text import checked_toml, toml_with_checksum
from vpg_gui.formats.files import atomic_write_bytes, os_reason, read_text
from vpg_gui.storage.run_dir import hold_lock

LAST, PREVIOUS, LOCK = "last-run.csv", "previous-run.csv", "autosave.lock"
SETTINGS = {LAST: "last-run.toml", PREVIOUS: "previous-run.toml"}


class Autosave:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.warning: str | None = None  # why autosave is off or paused; None while it works
        self._lock: contextlib.ExitStack | None = None
        self._csv: MetricsCsv | None = None

    def start(self, history: list[EpochStats], config: TrainConfig) -> None:
        """A new last-run.csv for the run starting now, holding ``history`` (a continued run's)."""
        self._close_csv()
        try:
            if not self._claim():
                return
            self._retire()
            atomic_write_bytes(self.directory / SETTINGS[LAST], toml_with_checksum(config.to_dict()).encode())
            self._csv = MetricsCsv(self.directory / LAST, history)
            self.warning = None
        except OSError as exc:
            self.warning = f"Autosave paused: {os_reason(exc)}"

    def append(self, history: list[EpochStats]) -> None:
        """Add the last epoch of ``history``; a fault pauses autosave until the next run."""
        if self._csv is None:
            return
        try:
            self._csv.append(history)
        except OSError as exc:
            self._close_csv()
            self.warning = f"Autosave paused: {os_reason(exc)}; the next run tries again"

    def last_run(self) -> tuple[TrainConfig, list[EpochStats]] | None:
        """The settings and history of a run the window did not close cleanly, if one can be read."""
        try:
            text = read_text(self.directory / SETTINGS[LAST])
            return TrainConfig.from_dict(checked_toml(text, SETTINGS[LAST])), read_csv(self.directory / LAST)
        except (OSError, ValueError, KeyError):  # ConfigError is a ValueError
            return None

    def close(self) -> None:
        """A clean end: the run's files become previous-run.*."""
        self._close_csv()
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._retire()
            self._lock.close()
            self._lock = None

    def _retire(self) -> None:
        for name in (LAST, SETTINGS[LAST]):
            path = self.directory / name
            if path.exists():
                path.replace(self.directory / (PREVIOUS if name == LAST else SETTINGS[PREVIOUS]))

    def _claim(self) -> bool:
        """Hold this directory's lock (once); False, with a warning, when another window has it."""
        if self._lock is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stack = contextlib.ExitStack()
            if not stack.enter_context(hold_lock(self.directory / LOCK)):
                stack.close()
                self.warning = "Autosave off: another vpg-gui window saves its runs in this directory"
                return False
            self._lock = stack
        return True

    def _close_csv(self) -> None:
        if self._csv is not None:
            with contextlib.suppress(OSError):
                self._csv.close()
            self._csv = None
