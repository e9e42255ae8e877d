"""Checkpoint files: written atomically, read without running any code from them.

``torch.load(weights_only=True)`` only rebuilds tensors and plain containers; a pickle that
would construct arbitrary objects is refused. The payload carries a format tag and version.

>>> import tempfile, pathlib, torch
>>> p = pathlib.Path(tempfile.mkdtemp()) / "run.pt"
>>> save_checkpoint(p, {"config": {}, "policy": {"w": torch.zeros(1)}, "optimizer": {}, "history": []})
>>> sorted(load_checkpoint(p))
['config', 'format', 'history', 'optimizer', 'policy', 'version']
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from vpg_gui.core.files import atomic_write_bytes

VERSION = 1
# A checkpoint is one run; a session (the window's File > Save session) adds the kept runs and
# may have no policy yet (saved before the first epoch).
FORMATS = {"checkpoint": "vpg-gui-checkpoint", "session": "vpg-gui-session"}
REQUIRED_KEYS = {
    "checkpoint": ("config", "policy", "optimizer", "history"),
    "session": ("config", "history", "kept_runs"),
}


class CheckpointError(ValueError):
    """A file that is not a usable checkpoint; the message says why and names the file."""


def save_checkpoint(path: Path | str, payload: dict[str, Any], kind: str = "checkpoint") -> None:
    import torch  # deferred: the window imports this module at start-up, torch only when used

    buf = io.BytesIO()
    torch.save({"format": FORMATS[kind], "version": VERSION, **payload}, buf)
    atomic_write_bytes(path, buf.getvalue())


def load_checkpoint(path: Path | str, kind: str = "checkpoint") -> dict[str, Any]:
    """Read and check a checkpoint (or session); raises CheckpointError for a missing, corrupt or
    foreign file."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such {kind} file")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds for truncated, corrupt or unsafe files
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{path}: not a readable {kind} (corrupt, truncated or unsafe): {reason}") from None
    if not isinstance(data, dict) or data.get("format") != FORMATS[kind]:
        raise CheckpointError(f"{path}: not a vpg-gui {kind}")
    if data.get("version") != VERSION:
        raise CheckpointError(f"{path}: {kind} format version {data.get('version')!r}; this vpg-gui reads {VERSION}")
    missing = [k for k in REQUIRED_KEYS[kind] if k not in data]
    if missing:
        raise CheckpointError(f"{path}: {kind} lacks {', '.join(missing)}")
    return data
