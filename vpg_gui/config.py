"""TrainConfig: every setting of a run, in one frozen, typed dataclass.

Each field's ``metadata`` carries its help text (the CLI's ``--help`` and the window's tooltips
both read it, so the explanation lives in one place), its allowed range or choices, whether it is
*hot* (may change between epochs of a running run) or *cold* (needs a new policy, i.e. a Reset),
and how the window's form shows it (label, section, step, decimals): the form is generated from
it (qt/views/field_editors.py), so a new setting is one field here.

>>> cfg = TrainConfig(lr=0.02)
>>> cfg.replace(batch_steps=2000).batch_steps
2000
>>> TrainConfig(lr=-1).validate()
Traceback (most recent call last):
...
vpg_gui.errors.ConfigError: lr = -1: must be between 1e-06 and 10
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from vpg_gui.envs.ids import check_env_id
from vpg_gui.envs.physics import format_physics, knobs
from vpg_gui.errors import ConfigError, shown

WEIGHTINGS = ("episode-return", "reward-to-go")
BASELINES = ("none", "value")
ACTIVATIONS = ("tanh", "relu")
MAX_HIDDEN_LAYERS = 4
MAX_LAYER_WIDTH = 1024


def _num(x: float) -> str:
    """2147483647 rather than 2.14748e+09; 1e-06 as it is."""
    return str(int(x)) if float(x).is_integer() and abs(x) >= 1 else f"{x:g}"


def _meta(
    help: str,
    hot: bool,
    lo: float | None = None,
    hi: float | None = None,
    *,
    label: str,
    section: str,
    choices: tuple[str, ...] | None = None,
    step: float | None = None,
    decimals: int = 3,
    special: str | None = None,
    log: bool = False,
) -> dict:
    """A field's metadata. ``section``: where the form shows it ("essentials" first, then the
    folding "estimator", "network" and "physics"); ``special``: what the form shows for the
    lowest value (e.g. "until stopped" for 0 epochs); ``log``: the value moves in decades
    (adaptive steps; a slider beside it in the essentials)."""
    return {
        "help": help,
        "hot": hot,
        "min": lo,
        "max": hi,
        "label": label,
        "section": section,
        "choices": choices,
        "step": step,
        "decimals": decimals,
        "special": special,
        "log": log,
    }


@dataclass(frozen=True)
class TrainConfig:
    """The settings of one training run (see each field's ``metadata['help']``)."""

    env_id: str = field(
        default="CartPole-v1",
        metadata=_meta(
            "Gymnasium environment to learn: flat Box observations; discrete actions (a categorical policy) "
            "or Box actions (a Gaussian policy).",
            False,
            label="Environment",
            section="essentials",
        ),
    )
    hidden_sizes: tuple[int, ...] = field(
        default=(32,),
        metadata=_meta(
            "Widths of the policy network's hidden layers, e.g. 32 or 64,64. Empty gives a linear policy.",
            False,
            label="Hidden sizes",
            section="network",
        ),
    )
    activation: str = field(
        default="tanh",
        metadata=_meta(
            "Nonlinearity between hidden layers (tanh or relu).",
            False,
            label="Activation",
            section="network",
            choices=ACTIVATIONS,
        ),
    )
    lr: float = field(
        default=1e-2,
        metadata=_meta(
            "Adam learning rate: how far each epoch's single gradient step moves the policy. "
            "Too large and learning collapses; too small and it crawls.",
            True,
            1e-6,
            10.0,
            label="Learning rate",
            section="essentials",
            decimals=6,
            log=True,
        ),
    )
    batch_steps: int = field(
        default=5000,
        metadata=_meta(
            "Environment steps collected per epoch (whole episodes, at least this many). "
            "Larger batches give a less noisy gradient but take longer.",
            True,
            10,
            1_000_000,
            label="Batch steps",
            section="essentials",
            step=500,
        ),
    )
    epochs: int = field(
        default=50,
        metadata=_meta(
            "Number of epochs (policy updates) to run; 0 runs until stopped.",
            True,
            0,
            1_000_000,
            label="Epochs",
            section="essentials",
            step=10,
            special="until stopped",
        ),
    )
    gamma: float = field(
        default=1.0,
        metadata=_meta(
            "Discount factor for the weights: 1 counts every future reward fully, smaller values "
            "weigh rewards far in the future less.",
            True,
            0.0,
            1.0,
            label="Discount γ",
            section="estimator",
            step=0.01,
        ),
    )
    weighting: str = field(
        default="episode-return",
        metadata=_meta(
            "What multiplies each action's log-probability: the whole episode's return (the plain "
            "policy gradient) or only the rewards that came after the action (reward-to-go, less noisy).",
            True,
            label="Weighting",
            section="essentials",
            choices=WEIGHTINGS,
        ),
    )
    baseline: str = field(
        default="none",
        metadata=_meta(
            "What is subtracted from each action's weight: nothing, or a learned value function V(s) "
            "(its own network, fitted every epoch), used through GAE(lambda). A good baseline cuts the "
            "gradient's noise without biasing it; with it the weighting setting is not used.",
            True,
            label="Baseline",
            section="estimator",
            choices=BASELINES,
        ),
    )
    value_lr: float = field(
        default=1e-2,
        metadata=_meta(
            "Adam learning rate of the value network (baseline = value).",
            True,
            1e-6,
            10.0,
            label="Value lr",
            section="estimator",
            decimals=6,
            log=True,
        ),
    )
    value_iters: int = field(
        default=25,
        metadata=_meta(
            "Gradient steps fitting the value network to each epoch's rewards-to-go (baseline = value).",
            True,
            1,
            1000,
            label="Value iters",
            section="estimator",
            step=5,
        ),
    )
    gae_lambda: float = field(
        default=0.97,
        metadata=_meta(
            "GAE lambda (baseline = value): 1 weights each action by its reward-to-go minus V(s), unbiased "
            "but noisier; 0 by the one-step error r + gamma V(s') - V(s), least noisy but biased by V's errors.",
            True,
            0.0,
            1.0,
            label="GAE λ",
            section="estimator",
            step=0.01,
        ),
    )
    normalize_advantages: bool = field(
        default=False,
        metadata=_meta(
            "Rescale each epoch's weights to mean 0 and standard deviation 1, so the step size no longer "
            "depends on how large the rewards are.",
            True,
            label="normalise advantages",
            section="estimator",
        ),
    )
    entropy_coef: float = field(
        default=0.0,
        metadata=_meta(
            "Weight of an entropy bonus in the loss: pays the policy for staying random, against "
            "settling early on one action. 0 turns it off.",
            True,
            0.0,
            1.0,
            label="Entropy bonus",
            section="estimator",
            step=0.001,
            decimals=4,
        ),
    )
    physics: tuple[tuple[str, float], ...] = field(
        default=(),
        metadata=_meta(
            "Physics knobs, as the env's own attributes: CartPole's gravity, length (half the pole), masspole "
            "and force_mag; Pendulum's g and max_torque. Unset knobs keep the env's defaults.",
            True,
            label="Physics",
            section="physics",
        ),
    )
    seed: int = field(
        default=0,
        metadata=_meta(
            "Random seed for the initial policy, environments and sampled actions.",
            False,
            0,
            2**31 - 1,
            label="Seed",
            section="network",
            step=1,
        ),
    )
    num_envs: int = field(
        default=0,
        metadata=_meta(
            "Environment copies stepped in parallel while sampling; 0 picks a good number. "
            "Changes speed, not the maths.",
            False,
            0,
            256,
            label="Parallel envs",
            section="network",
            step=1,
            special="auto",
        ),
    )

    def validate(self) -> TrainConfig:
        """Raise ConfigError naming the first bad field, its value and what is allowed; else return self."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            lo, hi, choices = f.metadata["min"], f.metadata["max"], f.metadata["choices"]
            if choices is not None and value not in choices:
                raise ConfigError(f"{f.name} = {shown(value)}: must be one of {', '.join(choices)}", f.name)
            if lo is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(
                    f"{f.name} = {shown(value)}: must be a number between {_num(lo)} and {_num(hi)}", f.name
                )
            if f.type == "int" and not isinstance(value, int):
                raise ConfigError(
                    f"{f.name} = {shown(value)}: must be a whole number between {_num(lo)} and {_num(hi)}", f.name
                )
            if not lo <= value <= hi:  # also rejects NaN
                raise ConfigError(f"{f.name} = {shown(value)}: must be between {_num(lo)} and {_num(hi)}", f.name)
        if not isinstance(self.normalize_advantages, bool):
            raise ConfigError(
                f"normalize_advantages = {shown(self.normalize_advantages)}: must be true or false",
                "normalize_advantages",
            )
        sizes = self.hidden_sizes
        if (
            not isinstance(sizes, tuple)
            or len(sizes) > MAX_HIDDEN_LAYERS
            or not all(isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= MAX_LAYER_WIDTH for s in sizes)
        ):
            text = format_sizes(sizes) if isinstance(sizes, tuple) else repr(sizes)
            raise ConfigError(
                f"hidden_sizes = {shown(text)[1:-1]}: must be up to "
                f"{MAX_HIDDEN_LAYERS} layer widths between 1 and {MAX_LAYER_WIDTH}, e.g. 32 or 64,64",
                "hidden_sizes",
            )
        check_env_id(self.env_id)
        _check_physics(self.env_id, self.physics)
        return self

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (hidden_sizes as a list, physics as a table), ready for TOML / JSON."""
        d = dataclasses.asdict(self)
        d["hidden_sizes"] = list(self.hidden_sizes)
        d["physics"] = dict(self.physics)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Build and validate a config from plain data; unknown keys and wrong types are refused.

        >>> TrainConfig.from_dict({"lr": 0.05, "hidden_sizes": [16, 16]}).hidden_sizes
        (16, 16)
        """
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ConfigError(f"unknown setting {shown(unknown[0])}: known settings are {', '.join(known)}")
        values = {}
        for name, value in data.items():
            kind = known[name].type
            if name == "hidden_sizes":
                if not isinstance(value, list | tuple):
                    raise ConfigError(f"hidden_sizes = {shown(value)}: must be a list of layer widths, e.g. [32]", name)
                value = tuple(value)
            elif name == "physics":
                if not isinstance(value, dict) or not all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
                ):
                    raise ConfigError(
                        f"physics = {shown(value)}: must be a table of knob = number, e.g. gravity = 12", name
                    )
                value = tuple(sorted((str(k), float(v)) for k, v in value.items()))
            elif kind == "float" and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            elif kind == "str" and not isinstance(value, str):
                raise ConfigError(f"{name} = {shown(value)}: must be text", name)
            elif kind == "bool" and not isinstance(value, bool):
                raise ConfigError(f"{name} = {shown(value)}: must be true or false", name)
            values[name] = value
        return cls(**values).validate()


FIELD_NAMES = tuple(f.name for f in dataclasses.fields(TrainConfig))
HOT_FIELDS = frozenset(f.name for f in dataclasses.fields(TrainConfig) if f.metadata["hot"])
COLD_FIELDS = frozenset(FIELD_NAMES) - HOT_FIELDS


def field_help(name: str) -> str:
    """The one- or two-sentence explanation of a setting (CLI help and GUI tooltips)."""
    return TrainConfig.__dataclass_fields__[name].metadata["help"]


def cold_changes(old: TrainConfig, new: TrainConfig) -> list[str]:
    """Names of the cold fields that differ: the ones a running policy cannot take on."""
    return [name for name in FIELD_NAMES if name in COLD_FIELDS and getattr(old, name) != getattr(new, name)]


def parse_sizes(text: str) -> tuple[int, ...]:
    """'64, 64' -> (64, 64); '' -> (); anything else raises ConfigError naming hidden_sizes."""
    parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
    try:
        if text.strip() and not parts:  # separators and nothing else: a slip, not "no hidden layer"
            raise ValueError
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError(
            f"hidden_sizes = {shown(text)}: must be layer widths separated by commas, e.g. 32 or 64,64", "hidden_sizes"
        ) from None
    return sizes


def format_sizes(sizes: tuple[int, ...]) -> str:
    return ",".join(str(s) for s in sizes)


def _check_physics(env_id: str, physics: tuple) -> None:
    have = knobs(env_id)
    names = [name for name, _ in physics]
    if len(set(names)) != len(names):
        raise ConfigError(f"physics = {format_physics(physics)}: each knob may be given once", "physics")
    for name, value in physics:
        label = f"physics = {format_physics(physics)}"
        if name not in have:
            allowed = ", ".join(have) if have else "none"
            raise ConfigError(f"{label}: {env_id} has no knob {shown(name)} (its knobs: {allowed})", "physics")
        lo, hi, _ = have[name]
        if not lo <= value <= hi:  # also rejects NaN
            raise ConfigError(f"{label}: {name} must be between {_num(lo)} and {_num(hi)}", "physics")
