"""Legend labels for the runs on screen: each names what sets its run apart from the others.

A label lists every setting that differs between the runs shown (each run's value at its end)
and every hot change a run went through, with the epoch it took effect at. Runs that cannot be
told apart that way carry their number; seed groups say which seeds they average.

>>> from vpg_gui.config import TrainConfig
>>> a = Labelled("run 1", TrainConfig(), {"lr": [(12, 0.01, 0.3)]})
>>> b = Labelled("run 2", TrainConfig(weighting="reward-to-go"), {})
>>> c = Labelled("run 3", TrainConfig(weighting="reward-to-go"), {})
>>> run_labels([a, b, c])
['lr 0.01 -> 0.3 @ 12, episode-return', 'lr 0.01, reward-to-go, run 2', 'lr 0.01, reward-to-go, run 3']
>>> run_labels([Labelled("run 1", TrainConfig(), {})])
['run 1']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from vpg_gui.config import FIELD_NAMES, TrainConfig, format_sizes
from vpg_gui.envs.physics import format_physics

UNLABELLED = ("epochs",)  # how long a run was asked to go on does not set its curve apart


@dataclass(frozen=True)
class Labelled:
    """What a label is computed from: a run's name, its settings at its end and its hot changes
    (field -> [(epoch, before, after)]). ``seeds``: a seed group's seeds (its seed is not a setting)."""

    name: str
    end: TrainConfig
    changes: dict[str, list[tuple[int, Any, Any]]]
    seeds: tuple[int, ...] = ()


def run_labels(items: list[Labelled]) -> list[str]:
    """One label per item, never two the same."""
    differing = [
        name
        for name in FIELD_NAMES
        if name not in UNLABELLED
        and (len({getattr(item.end, name) for item in items}) > 1 or any(name in item.changes for item in items))
    ]
    labels = []
    for item in items:
        parts = [_part(name, item) for name in differing if not (item.seeds and name == "seed")]
        if item.seeds:
            parts.append(f"seeds {_seed_range(item.seeds)} (mean ± std)")
        labels.append(", ".join(p for p in parts if p))
    counts = Counter(labels)
    return [
        label if label and counts[label] == 1 else ", ".join(p for p in (label, item.name) if p)
        for label, item in zip(labels, items, strict=True)
    ]


def setting_text(name: str, value: Any) -> str:
    """How a setting reads in a label.

    >>> setting_text("lr", 0.01), setting_text("hidden_sizes", (64, 64)), setting_text("weighting", "reward-to-go")
    ('lr 0.01', 'hidden 64,64', 'reward-to-go')
    """
    if name in ("weighting", "env_id"):
        return str(value)
    if name == "hidden_sizes":
        return f"hidden {format_sizes(value) or 'none'}"
    return f"{name.replace('_', ' ')} {value_text(name, value)}"


def value_text(name: str, value: Any) -> str:
    if name == "physics":
        return format_physics(value) or "default"
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "hidden_sizes":
        return format_sizes(value) or "none"
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def _part(name: str, item: Labelled) -> str:
    steps = item.changes.get(name)
    if not steps:
        return setting_text(name, getattr(item.end, name))
    head = setting_text(name, steps[0][1])
    return head + "".join(f" -> {value_text(name, after)} @ {epoch}" for epoch, _, after in steps)


def _seed_range(seeds: tuple[int, ...]) -> str:
    lo, hi = min(seeds), max(seeds)
    return f"{lo}-{hi}" if list(seeds) == list(range(lo, hi + 1)) else ",".join(map(str, seeds))
