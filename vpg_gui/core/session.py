"""Sessions: the window's workspace (core/runs.py) saved in one file (File > Save / Open session).

A session is a checkpoint-format file (checked container, no torch needed) holding the live
run (its settings, history and, once it has epochs, its networks and optimizer states), the runs
kept for comparison with their settings, and the seed groups. Opening one
needs no torch either: the policy on screen is a numpy copy of the saved weights.

>>> import tempfile, pathlib
>>> from vpg_gui.config import TrainConfig
>>> from vpg_gui.core.runs import Workspace
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.vpgsession"
>>> save_session(p, Workspace(TrainConfig()), None)
>>> s = read_session(p)
>>> s.live.config == TrainConfig(), s.live.started, s.live.history, s.kept
(True, False, [], [])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.core.checkpoint import MODEL_KEYS, CheckpointError, load_checkpoint, save_checkpoint
from vpg_gui.core.envs import EnvInfo, env_info
from vpg_gui.core.metrics import EpochStats
from vpg_gui.core.numpy_policy import NumpyPolicy, policy_from_state
from vpg_gui.core.runs import Run, SeedGroup, Workspace

SUFFIX = ".vpgsession"


@dataclass
class Session:
    live: Run  # resume_state holds the networks when it has epochs (live.started)
    kept: list[Run]
    seed_groups: list[SeedGroup]
    info: EnvInfo  # the live run's environment
    snapshot: NumpyPolicy | None  # the live run's policy (numpy), None before its first epoch


def save_session(path: Path | str, workspace: Workspace, state: dict | None) -> None:
    """``state``: Trainer.state() of the live run, or None before its first epoch."""
    write_payload(path, session_payload(workspace, state))


def write_payload(path: Path | str, payload: dict) -> None:
    """Write what session_payload() took: safe on another thread while the workspace goes on."""
    save_checkpoint(path, payload, kind="session")


def session_payload(workspace: Workspace, state: dict | None) -> dict:
    """The workspace as plain data, taken now (a copy: the live run may grow while it is written)."""
    live = workspace.live
    return {
        "config": (state or {}).get("config", live.settings.to_dict()),
        **{key: (state or {}).get(key) for key in MODEL_KEYS},
        "history": state["history"] if state else [],  # the networks' own epochs
        "live": _run_data(live),
        "kept_runs": [_run_data(run) for run in workspace.kept],
        "seed_groups": [
            {
                "number": g.number,
                "config": g.config.to_dict(),
                "seeds": list(g.seeds),
                "histories": [[s.to_dict() for s in g.histories[seed]] for seed in g.seeds],
            }
            for g in workspace.seed_groups
        ],
    }


def read_session(path: Path | str) -> Session:
    """Read and check every part of a session; CheckpointError says what is wrong with it."""
    data = load_checkpoint(path, kind="session")
    if "live" not in data:
        raise CheckpointError(
            f"{path}: a session from an earlier vpg-gui, whose kept runs lack their settings; "
            "this version cannot label them truthfully"
        )
    try:
        settings = TrainConfig.from_dict(data["config"])
        history = [EpochStats.from_dict(d) for d in data["history"]]
        live = _run(data["live"], history, settings)
        kept = [_run(d, [EpochStats.from_dict(s) for s in d["history"]]) for d in data["kept_runs"]]
        groups = [_group(d) for d in data["seed_groups"]]
    except (ConfigError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"{path}: session contents are not valid: {exc}") from None
    has_policy = data.get("policy") is not None
    if has_policy != bool(history):
        raise CheckpointError(f"{path}: session contents are not valid: policy and history do not match")
    info, snapshot = env_info(settings.env_id), None
    if has_policy:
        sizes = (info.obs_dim, *settings.hidden_sizes, info.n_actions)
        try:
            snapshot = policy_from_state(data["policy"], settings.activation, sizes)
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"{path}: the session's policy does not fit its settings: {exc}") from None
        live.started = True
        live.resume_state = {"config": data["config"], "history": data["history"]}
        live.resume_state.update({key: data.get(key) for key in MODEL_KEYS})
        live.snapshots[len(history)] = snapshot
    return Session(live, kept, groups, info, snapshot)


def _run_data(run: Run) -> dict[str, Any]:
    return {
        "number": run.number,
        "origin": run.origin,
        "config": run.config.to_dict(),
        "history": [s.to_dict() for s in run.history],
    }


def _run(data: dict, history: list[EpochStats], settings: TrainConfig | None = None) -> Run:
    number = data["number"]
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValueError(f"run number {number!r}: must be a whole number from 1")
    return Run(number, TrainConfig.from_dict(data["config"]), str(data["origin"]), history, settings=settings)


def _group(data: dict) -> SeedGroup:
    seeds = tuple(data["seeds"])
    if not seeds or not all(isinstance(s, int) for s in seeds) or len(data["histories"]) != len(seeds):
        raise ValueError("a seed group needs its seeds and one history per seed")
    histories = {seed: [EpochStats.from_dict(s) for s in h] for seed, h in zip(seeds, data["histories"], strict=True)}
    return SeedGroup(data["number"], TrainConfig.from_dict(data["config"]), seeds, histories)
