"""Checkpoint files: a run's config, networks, optimizer states and history, in a checked container.

Written atomically with a SHA-256 of the payload (container.py); read without running code or
importing anything, and without torch: the networks are numpy arrays (``Trainer.state()``).
Weights or optimizer moments that are NaN or infinite are refused here, not epochs later.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "run.pt"
>>> save_checkpoint(p, {"config": {}, "policy": {"w": np.zeros(1, np.float32)}, "optimizer": {}, "history": []})
>>> sorted(load_checkpoint(p))
['config', 'history', 'optimizer', 'policy']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from vpg_gui.core.container import ContainerError, read_checked, write_checked

VERSION = 2  # 1 was torch.save's pickle format, without a checksum
# A checkpoint is one run; a session (the window's File > Save session) adds the kept runs and
# may have no policy yet (saved before the first epoch).
FORMATS = {"checkpoint": "vpg-gui-checkpoint", "session": "vpg-gui-session"}
REQUIRED_KEYS = {
    "checkpoint": ("config", "policy", "optimizer", "history"),
    "session": ("config", "history", "kept_runs"),
}
MODEL_KEYS = ("policy", "optimizer", "value", "value_optimizer")  # Trainer.state()'s networks


class CheckpointError(ValueError):
    """A file that is not a usable checkpoint; the message says why and names the file."""


def save_checkpoint(path: Path | str, payload: dict[str, Any], kind: str = "checkpoint") -> None:
    write_checked(path, FORMATS[kind], VERSION, payload)


def load_checkpoint(path: Path | str, kind: str = "checkpoint") -> dict[str, Any]:
    """Read and check a checkpoint (or session); raises CheckpointError for a missing, damaged,
    foreign file, or one whose weights are not finite."""
    try:
        data = read_checked(path, FORMATS[kind], VERSION, kind)
    except ContainerError as exc:
        raise CheckpointError(str(exc)) from None
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: not a vpg-gui {kind}")
    missing = [k for k in REQUIRED_KEYS[kind] if k not in data]
    if missing:
        raise CheckpointError(f"{path}: {kind} lacks {', '.join(missing)}")
    for key in MODEL_KEYS:
        bad = _first_not_finite(data.get(key), key)
        if bad:
            raise CheckpointError(
                f"{path}: {bad} holds NaN or infinite values; the {kind} cannot continue a run "
                "(it was saved from a run that diverged, or damaged)"
            )
    return data


def _first_not_finite(tree: Any, where: str) -> str | None:
    """The name of the first float array in ``tree`` with a NaN or infinity, else None."""
    if isinstance(tree, np.ndarray):
        return where if tree.dtype.kind == "f" and not np.isfinite(tree).all() else None
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    for key, value in items:
        bad = _first_not_finite(value, f"{where}.{key}")
        if bad:
            return bad
    return None
