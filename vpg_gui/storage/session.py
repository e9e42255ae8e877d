"""Sessions: the window's workspace (model/runs.py) saved in one file (File > Save / Open session).

A session is a checkpoint-format file (checked container, no torch needed) holding the live
run (its settings, history and, once it has epochs, its networks and optimizer states), the runs
kept for comparison with their settings, the seed groups, and the last sweep as far as it got
(the sensitivity plot comes back with it). Opening one
needs no torch either: the policy on screen is a numpy copy of the saved weights.

>>> import tempfile, pathlib
>>> from vpg_gui.config import TrainConfig
>>> from vpg_gui.model.runs import Workspace
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.vpgsession"
>>> save_session(p, Workspace(TrainConfig()), None)
>>> s = read_session(p)
>>> s.live.config == TrainConfig(), s.live.started, s.live.history, s.kept, s.sweep
(True, False, [], [], None)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vpg_gui.algo.checkpoint import MODEL_KEYS, CheckpointError, load_checkpoint, save_checkpoint
from vpg_gui.algo.metrics import MAX_COUNT, EpochStats
from vpg_gui.algo.numpy_policy import NumpyPolicy, policy_from_state
from vpg_gui.config import ConfigError, TrainConfig, shown
from vpg_gui.envs.make import EnvInfo, env_info
from vpg_gui.model.runs import MAX_KEPT, MAX_SEED_GROUPS, Run, SeedGroup, Workspace
from vpg_gui.storage.presets import Preset, preset_dict, preset_from_dict
from vpg_gui.sweeps.files import spec_dict, spec_from_dict
from vpg_gui.sweeps.results import SweepResults

SUFFIX = ".vpgsession"
MAX_SEEDS = 64  # seeds in one group (Compare seeds trains 5)


@dataclass
class Session:
    live: Run  # resume_state holds the networks when it has epochs (live.started)
    kept: list[Run]
    seed_groups: list[SeedGroup]
    info: EnvInfo  # the live run's environment
    snapshot: NumpyPolicy | None  # the live run's policy (numpy), None before its first epoch
    preset: Preset | None = None  # the active preset (the preset box shows it)
    diagnostic: str | None = None  # the diagnostics plot's series, as the window showed it
    sweep: SweepResults | None = None  # the last sweep, as far as it got


def save_session(path: Path | str, workspace: Workspace, state: dict | None) -> None:
    """``state``: Trainer.state() of the live run, or None before its first epoch."""
    write_payload(path, session_payload(workspace, state))


def write_payload(path: Path | str, payload: dict) -> None:
    """Write what session_payload() took: safe on another thread while the workspace goes on."""
    save_checkpoint(path, payload, kind="session")


def session_payload(workspace: Workspace, state: dict | None, diagnostic: str | None = None) -> dict:
    """The workspace as plain data, taken now (a copy: the live run may grow while it is written);
    ``diagnostic``: the series the window's diagnostics plot shows."""
    live, preset = workspace.live, workspace.preset
    return {
        "preset": None if preset is None else preset_dict(preset),
        "diagnostic": diagnostic,
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
        "sweep": None if workspace.sweep is None else _sweep_data(workspace.sweep),
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
        for key, limit in (("kept_runs", MAX_KEPT), ("seed_groups", MAX_SEED_GROUPS)):
            if not isinstance(data[key], list) or len(data[key]) > limit:
                raise ValueError(f"{key}: a list of at most {limit} (the window keeps no more)")
        kept = [_run(d, [EpochStats.from_dict(s) for s in d["history"]]) for d in data["kept_runs"]]
        groups = [_group(d) for d in data["seed_groups"]]
        numbers = [run.number for run in (live, *kept, *groups)]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"run numbers {numbers}: each run has its own")
        preset, diagnostic = data.get("preset"), data.get("diagnostic")  # absent in older sessions
        preset = None if preset is None else preset_from_dict(preset, "the session's preset")
        sweep = None if data.get("sweep") is None else _sweep(data["sweep"])  # absent in older sessions
        if diagnostic is not None and not (isinstance(diagnostic, str) and diagnostic.isidentifier()):
            raise ValueError(f"diagnostic {shown(diagnostic)}: must be the name of a series, e.g. grad_var")
    except (ConfigError, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise CheckpointError(f"{path}: session contents are not valid: {_reason(exc)}") from None
    has_policy = data.get("policy") is not None
    if has_policy != bool(history):
        raise CheckpointError(f"{path}: session contents are not valid: policy and history do not match")
    info, snapshot = env_info(settings.env_id), None
    if has_policy:
        sizes = (info.obs_dim, *settings.hidden_sizes, info.n_actions)
        snapshot = _fitted(path, data, "policy", settings.activation, sizes)
        if data.get("value") is not None:  # checked here, not when the training process meets it
            _fitted(path, data, "value", settings.activation, (*sizes[:-1], 1))
        live.started = True
        live.resume_state = {"config": data["config"], "history": data["history"]}
        live.resume_state.update({key: data.get(key) for key in MODEL_KEYS})
        live.snapshots[len(history)] = snapshot
    return Session(live, kept, groups, info, snapshot, preset, diagnostic, sweep)


def _fitted(path: Path | str, data: dict, net: str, activation: str, sizes: tuple[int, ...]) -> NumpyPolicy:
    """The network ``net`` of ``data`` as a NumpyPolicy; CheckpointError when it does not fit ``sizes``."""
    try:
        return policy_from_state(data[net], activation, sizes)
    except (ValueError, TypeError) as exc:
        reason = str(exc).replace("the policy's", f"the {net}'s")
        raise CheckpointError(f"{path}: the session's {net} does not fit its settings: {reason}") from None


def _run_data(run: Run) -> dict[str, Any]:
    epochs = sorted(run.snapshots)
    return {
        "number": run.number,
        "origin": run.origin,
        "config": run.config.to_dict(),
        "history": [s.to_dict() for s in run.history],
        # Each epoch's policy kept for time travel (within the model's budget), as numpy weights.
        "snapshots": {"epochs": epochs, "policies": [run.snapshots[e].state() for e in epochs]},
    }


def _snapshots(run: Run, data: dict | None) -> None:
    """Put a session's snapshots of ``run`` back (absent in older sessions), each checked to fit
    the run's settings and to belong to one of its epochs."""
    if data is None:
        return
    epochs, policies = data["epochs"], data["policies"]
    if not isinstance(epochs, list) or not isinstance(policies, list) or len(epochs) != len(policies):
        raise ValueError(f"{run.name}'s snapshots: one policy per epoch")
    if not all(type(e) is int and 1 <= e <= len(run.history) for e in epochs):
        raise ValueError(f"{run.name}'s snapshots: epochs must be among its {len(run.history)} epochs")
    info = env_info(run.config.env_id)
    sizes = (info.obs_dim, *run.config.hidden_sizes, info.n_actions)
    for epoch, policy in zip(epochs, policies, strict=True):
        run.snapshots[epoch] = policy_from_state(policy, run.config.activation, sizes)


def _run(data: dict, history: list[EpochStats], settings: TrainConfig | None = None) -> Run:
    origin = data["origin"]
    if not isinstance(origin, str) or len(origin) > 200:
        raise ValueError(f"run origin {shown(origin)}: must be text of at most 200 characters")
    run = Run(_number(data["number"]), TrainConfig.from_dict(data["config"]), origin, history, settings=settings)
    _snapshots(run, data.get("snapshots"))
    return run


def _group(data: dict) -> SeedGroup:
    seeds = data["seeds"]
    if (
        not isinstance(seeds, list)
        or not 1 <= len(seeds) <= MAX_SEEDS
        or not all(type(s) is int and 0 <= s <= MAX_COUNT for s in seeds)
        or len(set(seeds)) != len(seeds)
        or not isinstance(data["histories"], list)
        or len(data["histories"]) != len(seeds)
    ):
        raise ValueError(f"a seed group needs 1 to {MAX_SEEDS} different seeds and one history per seed")
    histories = {seed: [EpochStats.from_dict(s) for s in h] for seed, h in zip(seeds, data["histories"], strict=True)}
    return SeedGroup(_number(data["number"]), TrainConfig.from_dict(data["config"]), tuple(seeds), histories)


def _sweep_data(sweep: SweepResults) -> dict[str, Any]:
    return {
        "spec": spec_dict(sweep.spec),
        "trials": [
            {
                "name": name,
                "history": [s.to_dict() for s in result.history],
                "ended": result.ended,
                "seconds": result.seconds,
                "node": result.node,
                "error": result.error,
            }
            for name, result in sweep.trials.items()
        ],
    }


def _sweep(data: dict) -> SweepResults:
    """The sweep of a session; ValueError (or ConfigError) says what is not valid."""
    try:
        spec = spec_from_dict(data["spec"])  # its trials are checked as vpg-sweep's are
    except ConfigError as exc:
        raise ValueError(f"sweep: {exc}") from None
    except ValueError as exc:  # it names sweep.toml, where vpg-sweep keeps the same data
        raise ValueError(f"sweep: {str(exc).split(': ', 1)[-1]}") from None
    sweep = SweepResults(spec)
    trials = data["trials"]
    if not isinstance(trials, list) or len(trials) != len(sweep.trials):
        raise ValueError(f"sweep: one entry per trial of its grid ({len(sweep.trials)})")
    for trial in trials:
        name, seconds = trial["name"], trial["seconds"]
        if name not in sweep.trials:
            raise ValueError(f"sweep trial {shown(name)}: not a trial of its grid")
        if not (type(seconds) in (int, float) and 0 <= seconds < 1e9) or type(trial["ended"]) is not bool:
            raise ValueError(f"sweep trial {name}: seconds must be a number from 0 and ended true or false")
        if not all(isinstance(trial[k], str) and len(trial[k]) <= 2000 for k in ("node", "error")):
            raise ValueError(f"sweep trial {name}: node and error must be text of at most 2000 characters")
        sweep.trials[name].history = [EpochStats.from_dict(s) for s in trial["history"]]
        if trial["ended"]:
            sweep.end(name, seconds, trial["node"], trial["error"])
    return sweep


def _number(number: Any) -> int:
    if type(number) is not int or not 1 <= number <= MAX_COUNT:
        raise ValueError(f"run number {shown(number)}: must be a whole number from 1 to {MAX_COUNT}")
    return number


def _reason(exc: Exception) -> str:
    """The exception in one short line (a KeyError's message is only the key)."""
    text = " ".join(str(exc).split())
    return f"lacks {text}" if isinstance(exc, KeyError) else text[:300]
