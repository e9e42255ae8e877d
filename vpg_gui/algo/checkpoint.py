"""Checkpoint files: a run's config, networks, optimizer states and history, in a checked container.

Written atomically with a SHA-256 of the payload (container.py); read without running code or
importing anything, and without torch: the networks are numpy arrays (``Trainer.state()``).
Weights or optimizer moments that are NaN or infinite are refused here, not epochs later.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "run.pt"
>>> adam = {"state": {}, "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "params": [0]}]}
>>> save_checkpoint(p, {"config": {}, "policy": {"w": np.zeros(1, np.float32)}, "optimizer": adam, "history": []})
>>> sorted(load_checkpoint(p))
['config', 'history', 'optimizer', 'policy']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from vpg_gui.algo.metrics import EpochStats
from vpg_gui.config import shown
from vpg_gui.formats.container import ContainerError, read_checked, write_checked

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
    try:
        if not isinstance(data["history"], list):
            raise ValueError("history must be a list of epoch records")
        epochs = [EpochStats.from_dict(record).epoch for record in data["history"]]
        if epochs != list(range(1, len(epochs) + 1)):
            raise ValueError(f"history: epochs {shown(epochs)} must count 1, 2, 3, ...")
        for net, optimizer in (("policy", "optimizer"), ("value", "value_optimizer")):
            if data.get(net) is not None:
                _check_network(data[net], net)
                _check_adam(data.get(optimizer), data[net], optimizer)
    except ValueError as exc:
        raise CheckpointError(f"{path}: damaged {kind}: {exc}") from None
    return data


def _check_network(net: Any, name: str) -> None:
    """A network's state: named float arrays (what torch's ``load_state_dict`` would silently
    cast from integers or booleans)."""
    if not isinstance(net, dict) or not net:
        raise ValueError(f"{name} must be a table of named weight arrays")
    for key, value in net.items():
        if not isinstance(key, str) or not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise ValueError(f"{name}.{shown(key)} must be an array of floats, not {_kind(value)}")


def _check_adam(state: Any, net: dict, name: str) -> None:
    """An Adam state as Adam.state_dict() writes it for ``net``: finite settings in range, one
    moment of the weight's shape per weight (torch's Adam checks none of this)."""
    groups = state.get("param_groups") if isinstance(state, dict) else None
    if not (isinstance(groups, list) and len(groups) == 1 and isinstance(groups[0], dict)):
        raise ValueError(f"{name} must hold one parameter group")
    group, shapes = groups[0], [w.shape for w in net.values()]
    for key, lo, hi in (("lr", 0.0, 10.0), ("eps", 0.0, 1.0)):
        value = group.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo < value <= hi:
            raise ValueError(f"{name}.{key} = {shown(value)}: must be a number above {lo:g} and at most {hi:g}")
    betas = group.get("betas")
    if not (isinstance(betas, list) and len(betas) == 2 and all(_in_unit(b) for b in betas)):
        raise ValueError(f"{name}.betas = {shown(betas)}: must be two numbers from 0 to below 1")
    if group.get("params") != list(range(len(shapes))):
        raise ValueError(f"{name}.params must number the {len(shapes)} weights of the network")
    moments = state.get("state")
    if not isinstance(moments, dict) or not all(type(i) is int and 0 <= i < len(shapes) for i in moments):
        raise ValueError(f"{name}.state must be moments numbered by the network's weights")
    for i, moment in moments.items():
        if not isinstance(moment, dict) or set(moment) != {"step", "exp_avg", "exp_avg_sq"}:
            raise ValueError(f"{name}.state.{i} must hold step, exp_avg and exp_avg_sq")
        step = moment["step"]
        if not (isinstance(step, np.ndarray) and step.shape == () and step.dtype.kind == "f" and step >= 0):
            raise ValueError(f"{name}.state.{i}.step must be a count of steps")
        for key in ("exp_avg", "exp_avg_sq"):
            value = moment[key]
            if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.shape != shapes[i]:
                raise ValueError(f"{name}.state.{i}.{key} must be floats of its weight's shape {shapes[i]}")


def _in_unit(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and 0 <= value < 1


def _kind(value: Any) -> str:
    return f"{value.dtype} values" if isinstance(value, np.ndarray) else type(value).__name__


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
