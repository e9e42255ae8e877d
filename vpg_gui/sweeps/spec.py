"""What a sweep trains: base settings, a grid of swept fields and seeds, expanded into trials.

A trial is one run: the base settings with one value of every swept field and one seed. Every
trial's settings are checked before anything starts, so a bad value is one message up front.

>>> from vpg_gui.config import TrainConfig
>>> spec = SweepSpec(TrainConfig(epochs=30), {"lr": (0.01, 0.1)}, (0, 1))
>>> [t.name for t in spec.trials()]
['lr=0.01_seed=0', 'lr=0.01_seed=1', 'lr=0.1_seed=0', 'lr=0.1_seed=1']
>>> spec.trials()[2].config.lr, spec.trials()[2].values
(0.1, {'lr': 0.1})
>>> parse_seeds("0-2"), parse_seeds("3,5")
([0, 1, 2], [3, 5])
>>> default_values("lr")
(0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from vpg_gui.config import ACTIVATIONS, BASELINES, FIELD_NAMES, WEIGHTINGS, ConfigError, TrainConfig, format_sizes

MAX_SEEDS = 64
MAX_TRIALS = 1000
# Fields whose effect is multiplicative: their default values are log-spaced and their axis is logarithmic.
LOG_FIELDS = frozenset({"lr", "value_lr"})
_DEFAULTS = {
    "lr": (0.001, 0.003, 0.01, 0.03, 0.1, 0.3),
    "value_lr": (0.001, 0.003, 0.01, 0.03, 0.1),
    "batch_steps": (500, 1000, 2000, 5000),
    "gamma": (0.9, 0.95, 0.99, 1.0),
    "gae_lambda": (0.0, 0.5, 0.9, 0.97, 1.0),
    "entropy_coef": (0.0, 0.001, 0.01, 0.1),
    "value_iters": (1, 5, 25, 80),
    "hidden_sizes": ((), (8,), (32,), (64, 64)),
    "weighting": WEIGHTINGS,
    "baseline": BASELINES,
    "activation": ACTIVATIONS,
    "normalize_advantages": (False, True),
}
SWEEPABLE = tuple(name for name in FIELD_NAMES if name in _DEFAULTS)  # what the window offers


def parse_seeds(text: str) -> list[int]:
    """ "0-4" -> [0, 1, 2, 3, 4]; "1,3,7" -> [1, 3, 7]; ValueError says what is allowed."""
    try:
        if "-" in text:
            lo, hi = (int(part) for part in text.split("-"))
            seeds = list(range(lo, hi + 1))
        else:
            seeds = [int(part) for part in text.split(",")]
    except ValueError:
        seeds = []
    if not seeds or len(seeds) > MAX_SEEDS or len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise ValueError(f"{text!r}: must be a range like 0-4 or a list like 1,3,7 ({MAX_SEEDS} seeds at most)")
    return seeds


def default_values(name: str) -> tuple:
    """The values the window proposes for sweeping ``name``: log-spaced for learning rates, the
    choices for a choice, a few telling ones otherwise."""
    return _DEFAULTS[name]


def value_text(name: str, value: Any) -> str:
    """A value as the user types it: 0.01, 64,64, true, reward-to-go.

    >>> value_text("hidden_sizes", (64, 64)), value_text("normalize_advantages", True), value_text("lr", 0.001)
    ('64,64', 'true', '0.001')
    """
    if name == "hidden_sizes":
        return format_sizes(value) or "none"
    if name == "physics":
        from vpg_gui.envs.physics import format_physics

        return format_physics(value) or "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Trial:
    name: str  # unique in its sweep, safe as a directory name
    config: TrainConfig
    values: dict  # swept field -> this trial's value


@dataclass(frozen=True)
class SweepSpec:
    base: TrainConfig
    grid: dict  # swept field -> tuple of values, in the order given
    seeds: tuple[int, ...]

    def trials(self) -> list[Trial]:
        """Every combination of the grid's values, each under every seed; ConfigError names
        the first field and value that is not allowed."""
        if "seed" in self.grid:
            raise ConfigError("seed: give the seeds with --seeds, not in the grid", "seed")
        combos = list(itertools.product(*self.grid.values()))
        if len(combos) * len(self.seeds) > MAX_TRIALS:
            raise ConfigError(f"{len(combos) * len(self.seeds)} trials: a sweep runs {MAX_TRIALS} at most")
        trials = []
        for combo in combos:
            values = dict(zip(self.grid, combo, strict=True))
            for seed in self.seeds:
                config = self.base.replace(**values, seed=seed).validate()
                parts = [f"{name}={value_text(name, value)}" for name, value in values.items()]
                trials.append(Trial(_safe("_".join([*parts, f"seed={seed}"])), config, values))
        return trials


def _safe(name: str) -> str:
    """A trial name usable as a directory name on every system."""
    return re.sub(r"[^A-Za-z0-9.=_+-]", "-", name)
