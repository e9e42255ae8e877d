"""Sessions: everything the window shows, in one file (File > Save / Open session).

A session is a checkpoint-format file (checked container, no torch needed) holding the run's
config, policy and optimizer state (absent before the first epoch), its history (the change
markers derive from it) and the runs kept for comparison.

>>> import tempfile, pathlib
>>> from vpg_gui.config import TrainConfig
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.vpgsession"
>>> save_session(p, {"config": TrainConfig().to_dict()}, [])
>>> s = read_session(p)
>>> s.config == TrainConfig(), s.trainer_state is None, s.history, s.kept_runs
(True, True, [], [])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.core.checkpoint import MODEL_KEYS, CheckpointError, load_checkpoint, save_checkpoint
from vpg_gui.core.metrics import EpochStats

SUFFIX = ".vpgsession"


@dataclass
class Session:
    config: TrainConfig
    trainer_state: dict | None  # Trainer.state() of the run, None when it has no epoch yet
    history: list[EpochStats]
    kept_runs: list[tuple[str, list[EpochStats]]]  # (label, history), oldest first


def save_session(path: Path | str, state: dict, kept_runs: list[tuple[str, list[EpochStats]]]) -> None:
    """``state``: Trainer.state(), or just {"config": ...} before the first epoch."""
    save_checkpoint(
        path,
        {
            "config": state["config"],
            **{key: state.get(key) for key in MODEL_KEYS},
            "history": state.get("history", []),
            "kept_runs": [{"label": label, "history": [s.to_dict() for s in h]} for label, h in kept_runs],
        },
        kind="session",
    )


def read_session(path: Path | str) -> Session:
    """Read and check every part of a session; CheckpointError says what is wrong with it."""
    data = load_checkpoint(path, kind="session")
    try:
        config = TrainConfig.from_dict(data["config"])
        history = [EpochStats.from_dict(d) for d in data["history"]]
        kept = [(str(k["label"]), [EpochStats.from_dict(d) for d in k["history"]]) for k in data["kept_runs"]]
    except (ConfigError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"{path}: session contents are not valid: {exc}") from None
    has_policy = data.get("policy") is not None
    if has_policy != bool(history):
        raise CheckpointError(f"{path}: session contents are not valid: policy and history do not match")
    state = {"config": data["config"], "history": data["history"], **{k: data.get(k) for k in MODEL_KEYS}}
    return Session(config, state if has_policy else None, history, kept)
