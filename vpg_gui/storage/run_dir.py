"""Run directories: recognisable as this project's, and written by one process at a time.

A run directory holds ``vpg-run.lock``: it marks the directory as a vpg-gui run (or sweep) and
its one writer holds an exclusive ``flock`` on it for the whole run, released by the OS however
the process ends. ``--out`` takes a new or empty directory; a run directory only to resume its
run or with ``overwrite``; anything else is refused before anything is touched.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
>>> with claim_run_dir(out) as d:
...     (d / "metrics.csv").write_text("epoch\\n") and None
...     with claim_run_dir(out, overwrite=True):  # doctest: +ELLIPSIS
...         pass
Traceback (most recent call last):
...
vpg_gui.storage.run_dir.RunDirError: --out ...: in use by another vpg-gui process (pid ...); wait for it to end ...
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from vpg_gui.algo.metrics import EpochStats, read_csv
from vpg_gui.formats.files import open_no_follow

MARKER = "vpg-run.lock"
RACE_FILE = "race.csv"  # vpg-train --race: a row per epoch and lane; lane N's run in lane-N/
# What --overwrite removes: a run's files, and a sweep's (vpg-sweep, vpg-train --seeds).
RUN_FILES = (
    "metrics.csv",
    "checkpoint.pt",
    "config.toml",
    "aggregate.csv",
    "summary.csv",
    "sweep.toml",
    "sensitivity.png",
    RACE_FILE,
)
TRIAL_FILES = frozenset({"metrics.csv", "config.toml"})
BATCHES = "batches"  # vpg-train --record-batches: batches/epoch-NNNN.npz (algo/batch_record.py)
LANE_FILES = frozenset({"metrics.csv", "config.toml", "checkpoint.pt", MARKER})


class RunDirError(ValueError):
    """A directory that cannot be written as a run; the message names it and says what to do."""


@contextlib.contextmanager
def claim_run_dir(
    path: Path, resume: Path | None = None, overwrite: bool = False, history: list[EpochStats] | None = None
) -> Iterator[Path]:
    """Check ``path`` may hold this run, create it, hold its lock while the block runs.

    ``resume``: the checkpoint being continued, whose epochs are ``history``: its own directory
    may be written again when it holds exactly those epochs (not a later state, not another run).
    ``overwrite``: an existing run directory's files are removed first.
    """
    shown = f"--out {path}"
    if path.is_symlink() and not path.exists():
        raise RunDirError(f"{shown}: a symbolic link to nothing (or a loop of links); choose a directory")
    if path.exists() and not path.is_dir():
        raise RunDirError(f"{shown}: exists and is not a directory")
    if path.is_dir():
        names = sorted(p.name for p in path.iterdir())
        if names and MARKER not in names:
            raise RunDirError(
                f"{shown}: holds files that are not a vpg-gui run ({', '.join(names[:3])}); "
                "choose a new or empty directory"
            )
        links = [name for name in (MARKER, *RUN_FILES, "trials", BATCHES) if (path / name).is_symlink()]
        if links:
            raise RunDirError(
                f"{shown}: its {links[0]} is a symbolic link, which vpg-gui never writes through; "
                "remove it or choose another directory"
            )
        resuming_here = resume is not None and resume.resolve().parent == path.resolve()
        if names not in ([], [MARKER]) and not overwrite:
            if not resuming_here:
                raise RunDirError(f"{shown}: already holds a run; --resume its checkpoint or add --overwrite")
            _check_same_state(path, resume, history or [])
    path.mkdir(parents=True, exist_ok=True)
    with hold_lock(path / MARKER) as held:
        if not held:
            raise RunDirError(
                f"{shown}: in use by another vpg-gui process ({_holder(path / MARKER)}); "
                "wait for it to end or choose another directory"
            )
        if overwrite and not (resume is not None and resume.resolve().parent == path.resolve()):
            _remove_run_files(path)
        yield path


@contextlib.contextmanager
def hold_lock(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created if needed) while the block runs; yields False
    (and holds nothing) when another process has it. The file records the holder's pid. A
    symlink at ``path`` is an OSError (open_no_follow): the pid never lands in a file it points to."""
    fd = open_no_follow(path, os.O_RDWR | os.O_CREAT)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        with contextlib.suppress(OSError):  # a full disk may refuse even these few bytes
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}\n".encode())
        yield True
    finally:
        os.close(fd)


def _check_same_state(path: Path, resume: Path, history: list[EpochStats]) -> None:
    """Resuming in the checkpoint's own directory: only when its metrics.csv holds the
    checkpoint's epochs, so that nothing on disk is cut off or replaced without --overwrite."""
    shown = f"--out {path}"
    metrics = path / "metrics.csv"
    try:
        on_disk = read_csv(metrics) if metrics.exists() else []
    except (OSError, ValueError) as exc:
        raise RunDirError(f"{shown}: its metrics.csv cannot be read ({exc}); add --overwrite to replace it") from None
    if on_disk == history:
        return
    if on_disk[: len(history)] == history:
        raise RunDirError(
            f"{shown}: holds a later state of this run (epoch {len(on_disk)}; {resume.name} is at epoch "
            f"{len(history)}); resume {path / 'checkpoint.pt'}, or add --overwrite to drop epochs "
            f"{len(history) + 1}-{len(on_disk)}"
        )
    raise RunDirError(
        f"{shown}: holds another run than {resume.name} ({len(on_disk)} epochs that differ from it); "
        "choose another directory or add --overwrite"
    )


def _holder(marker: Path) -> str:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = marker.read_text().strip()
        if text.startswith("pid "):
            return text
    return "pid unknown"


def _remove_run_files(path: Path) -> None:
    for name in RUN_FILES:
        (path / name).unlink(missing_ok=True)
    trials = path / "trials"
    if trials.is_dir() and all(f.is_dir() and {g.name for g in f.iterdir()} <= TRIAL_FILES for f in trials.iterdir()):
        shutil.rmtree(trials)  # only when it holds nothing but trials' files
    batches = path / BATCHES
    if batches.is_dir() and all(f.is_file() and f.name.startswith("epoch-") for f in batches.iterdir()):
        shutil.rmtree(batches)  # only when it holds nothing but batch records
    for lane in lane_dirs(path):
        if not lane.is_symlink() and {f.name for f in lane.iterdir()} <= LANE_FILES:
            shutil.rmtree(lane)  # a race's lane, holding nothing but its run's files


def lane_dir(path: Path, number: int) -> Path:
    """Where lane ``number`` (from 1) of a race in run directory ``path`` keeps its run.

    >>> lane_dir(Path("runs/race"), 2).as_posix()
    'runs/race/lane-2'
    """
    return path / f"lane-{number}"


def lane_dirs(path: Path) -> list[Path]:
    """The lanes' directories of a race in ``path``, in lane order (lane-1, lane-2, ...)."""
    found = [p for p in path.glob("lane-*") if p.name[5:].isdigit() and p.is_dir()]
    return sorted(found, key=lambda p: int(p.name[5:]))


def batch_path(path: Path, epoch: int) -> Path:
    """Where run directory ``path`` keeps epoch ``epoch``'s batch record (the directory
    ``batches/`` is made by whoever writes them; claim_run_dir refused a symbolic link there).

    >>> batch_path(Path("run"), 7).as_posix()
    'run/batches/epoch-0007.npz'
    """
    return path / BATCHES / f"epoch-{epoch:04d}.npz"
