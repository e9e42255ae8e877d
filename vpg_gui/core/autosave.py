"""Autosave: each run's history appended to ``last-run.csv`` in a data directory, one row per epoch.

One writer per directory: the first window holds ``autosave.lock`` (core/run_dir.py's lock);
another window's autosave stays off and says why. A file-system fault (a read-only or full
directory) never stops training: autosave pauses, ``warning`` says why, and the next run tries
again. The run before is kept as ``previous-run.csv``.

>>> import tempfile, pathlib
>>> saver = Autosave(pathlib.Path(tempfile.mkdtemp()))
>>> saver.start([])
>>> saver.warning is None, saver.last_run()
(True, [])
>>> other = Autosave(saver.directory)
>>> other.start([])
>>> other.warning
'Autosave off: another vpg-gui window saves its runs in this directory'
>>> other.close(); saver.close()
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from vpg_gui.core.files import os_reason
from vpg_gui.core.metrics import EpochStats, MetricsCsv, read_csv
from vpg_gui.core.run_dir import hold_lock

LAST, PREVIOUS, LOCK = "last-run.csv", "previous-run.csv", "autosave.lock"


class Autosave:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.warning: str | None = None  # why autosave is off or paused; None while it works
        self._lock: contextlib.ExitStack | None = None
        self._csv: MetricsCsv | None = None

    def start(self, history: list[EpochStats]) -> None:
        """A new last-run.csv for the run starting now, holding ``history`` (a continued run's)."""
        self._close_csv()
        try:
            if not self._claim():
                return
            path = self.directory / LAST
            if path.exists():
                path.replace(self.directory / PREVIOUS)
            self._csv = MetricsCsv(path, history)
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

    def last_run(self) -> list[EpochStats]:
        """The history in last-run.csv, or [] when there is none or it cannot be read."""
        try:
            return read_csv(self.directory / LAST)
        except (OSError, ValueError, KeyError):
            return []

    def close(self) -> None:
        self._close_csv()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

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
