"""The settings as command-line flags, shared by vpg-train, vpg-sweep and vpg-gui (which takes
vpg-train's setting flags), so the window never imports a command-line tool: one flag per
TrainConfig field, --preset, a sweep's --grid values, and errors as one line.

    parser = OneLineParser(prog="vpg-train")
    add_config_flags(parser)
    settings = given_settings(parser.parse_args(["--lr", "0.02"]))   # {"lr": 0.02}
    parse_grid("lr=0.01,0.1")                                        # ("lr", (0.01, 0.1))
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path

from vpg_gui.config import (
    ACTIVATIONS,
    BASELINES,
    FIELD_NAMES,
    WEIGHTINGS,
    ConfigError,
    TrainConfig,
    field_help,
    parse_sizes,
)

# Config field -> flag; every field has one (the window's launcher reuses this table).
FLAGS = {name: "--" + {"env_id": "env"}.get(name, name).replace("_", "-") for name in FIELD_NAMES}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but an error is one line on stderr (no usage block) and exit code 2, and a
    flag's value may be any number: argparse takes ``--lr -inf`` or ``--lr -1e-3`` for two flags
    ("expected one argument"); here they are read as ``--lr=-inf``, so the value is checked and
    refused by name like any other.

    >>> parser = OneLineParser(prog="x"); _ = parser.add_argument("--lr", type=float)
    >>> parser.parse_args(["--lr", "-1e-3"]).lr
    -0.001
    """

    _NUMBER = re.compile(r"-(\d|\.\d|inf|nan)", re.IGNORECASE)

    def parse_known_args(self, args=None, namespace=None):
        tokens: list[str] = []
        for token in sys.argv[1:] if args is None else list(args):
            flag = self._option_string_actions.get(tokens[-1]) if tokens else None
            if flag is not None and flag.nargs is None and self._NUMBER.match(token):
                tokens[-1] = f"{tokens[-1]}={token}"
            else:
                tokens.append(token)
        return super().parse_known_args(tokens, namespace)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def seeds_arg(text: str) -> list[int]:
    from vpg_gui.sweeps.spec import parse_seeds

    try:
        return parse_seeds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _physics(text: str) -> tuple[tuple[str, float], ...]:
    from vpg_gui.envs.physics import parse_physics

    try:
        return parse_physics(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _num_envs(text: str) -> int:
    if text == "auto":
        return 0
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or 'auto'") from None


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return parse_sizes(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _preset(text: str):
    from vpg_gui.storage.presets import find_preset, load_preset

    try:
        return load_preset(find_preset(text))
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """--preset, and one flag per TrainConfig field, all defaulting to None (= not given)."""
    parser.add_argument(
        "--preset",
        type=_preset,
        metavar="N|NAME|FILE",
        help="start from a preset's settings: a built-in one's number (1-9) or name (reward-to-go), or a .toml "
        "file; the setting flags given override its settings",
    )
    defaults = TrainConfig()
    kinds = {f.name: f.type for f in dataclasses.fields(TrainConfig)}
    choices = {"weighting": WEIGHTINGS, "activation": ACTIVATIONS, "baseline": BASELINES}
    for name in FIELD_NAMES:
        default = getattr(defaults, name)
        shown = {"hidden_sizes": "32", "num_envs": "auto", "physics": "the env's own"}.get(name, default)
        kwargs = {"default": None, "help": f"{field_help(name)} [default: {shown}]", "dest": name}
        if name in choices:
            kwargs["choices"] = choices[name]
        elif name == "hidden_sizes":
            kwargs.update(type=_sizes, metavar="W[,W...]")
        elif name == "num_envs":
            kwargs.update(type=_num_envs, metavar="N|auto")
        elif name == "physics":
            kwargs.update(type=_physics, metavar="NAME=X[,NAME=X...]")
        elif kinds[name] == "bool":
            kwargs["action"] = argparse.BooleanOptionalAction
        elif kinds[name] in ("int", "float"):
            kwargs["type"] = {"int": int, "float": float}[kinds[name]]
        parser.add_argument(FLAGS[name], **kwargs)


def given_settings(args: argparse.Namespace) -> dict:
    """The settings the flags give: the preset's (if any), overridden by each setting flag given."""
    given = {name: getattr(args, name) for name in FIELD_NAMES if getattr(args, name) is not None}
    return _over_preset(getattr(args, "preset", None), given)


def _over_preset(preset, given: dict) -> dict:
    """``given`` settings over every setting of ``preset`` (None: ``given`` alone)."""
    return given if preset is None else {**{n: getattr(preset.config, n) for n in FIELD_NAMES}, **given}


def out_dir(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("must name a directory (use --out . for the current one)")
    return Path(text)


def add_tensorboard_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tensorboard",
        type=out_dir,
        metavar="DIR",
        help="also write every per-epoch metric as TensorBoard scalars to DIR (a sweep: DIR/<trial>/); "
        "view them with: tensorboard --logdir DIR",
    )


def flag_message(exc: ConfigError) -> str:
    """The error in flags: "--lr 0.0: ..." rather than "lr = 0.0: ..."."""
    return str(exc).replace(f"{exc.field} = ", f"{FLAGS[exc.field]} ", 1) if exc.field else str(exc)


LISTS = frozenset({"hidden_sizes", "physics"})  # values with commas of their own: separated by ";"


class _RaisingParser(argparse.ArgumentParser):
    def error(self, message: str):
        raise argparse.ArgumentTypeError(message.removeprefix("argument "))


def _values_parser() -> argparse.ArgumentParser:
    parser = _RaisingParser(add_help=False)
    add_config_flags(parser)
    return parser


def parse_grid(text: str) -> tuple[str, tuple]:
    """'lr=0.01,0.1' -> ("lr", (0.01, 0.1)); each value read as its flag would read it."""
    name, _, values = text.partition("=")
    name = _field(name)
    if name not in FIELD_NAMES or not values.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: must be FIELD=V1,V2,... with FIELD one of {', '.join(FIELD_NAMES)}"
        )
    parsed = [_value(name, part.strip()) for part in values.split(";" if name in LISTS else ",")]
    if len(set(parsed)) != len(parsed):
        raise argparse.ArgumentTypeError(f"{text!r}: each value may be given once")
    return name, tuple(parsed)


def _field(name: str) -> str:
    """A setting's field name as written in a grid or a lane: lr, batch-steps, env."""
    name = name.strip().replace("-", "_")
    return {"env": "env_id"}.get(name, name)


def _value(name: str, text: str):
    """One value of setting ``name``, read as its flag reads it (true / false for a switch)."""
    if isinstance(getattr(TrainConfig(), name), bool):
        if text.lower() not in ("true", "false"):
            raise argparse.ArgumentTypeError(f"{name}={text}: must be true or false")
        return text.lower() == "true"
    try:
        return getattr(_values_parser().parse_args([FLAGS[name], text]), name)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{name}={text}: {exc}") from None


def parse_lane(text: str) -> dict:
    """A race lane (vpg-train --race): comma-separated ``field=value`` settings, and / or
    ``preset=N`` (the preset's settings; the fields given override them). A list's own commas
    stay with it (hidden_sizes=64,64; physics=length=1.5,masspole=0.2).

    >>> parse_lane("weighting=reward-to-go,hidden_sizes=64,64")
    {'weighting': 'reward-to-go', 'hidden_sizes': (64, 64)}
    >>> parse_lane("preset=2,lr=0.02")["weighting"], parse_lane("preset=2,lr=0.02")["lr"]
    ('reward-to-go', 0.02)
    """
    parts: list[list[str]] = []  # [name, value]
    for token in text.split(","):
        name, sep, value = token.partition("=")
        if sep and (_field(name) in FIELD_NAMES or name.strip() == "preset") or not parts:
            parts.append([name.strip(), value if sep else None])
        else:  # a list's own comma
            parts[-1][1] = f"{parts[-1][1]},{token}"
    given, preset = {}, None
    for name, value in parts:
        if value is None or not value.strip() or (_field(name) not in FIELD_NAMES and name != "preset"):
            raise argparse.ArgumentTypeError(
                f"{text!r}: {name!r} must be FIELD=VALUE (FIELD one of {', '.join(FIELD_NAMES)}) or preset=N"
            )
        if name == "preset":
            preset = _preset(value.strip())
        elif _field(name) in given:
            raise argparse.ArgumentTypeError(f"{text!r}: {name} is given twice")
        else:
            given[_field(name)] = _value(_field(name), value.strip())
    return _over_preset(preset, given)
