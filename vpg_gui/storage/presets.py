"""Presets: TOML files that set up one step of the lecture story.

    title = "1. The post's plain policy gradient"
    description = "Every action weighted by its whole episode's return."
    pace = 5          # optional: epochs a second the window shows (0: as fast as they come)
    [config]
    lr = 0.01
    weighting = "episode-return"

Settings missing from [config] keep their defaults; unknown keys or bad values are refused with
a message naming the key. A preset saved by vpg-gui starts with a checksum line (checked_text.py);
an environment id naming a module is never imported from a preset (envs/ids.py).

>>> [p.title for p in map(load_preset, builtin_presets())][:1]
["1. The post's plain policy gradient"]
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from pathlib import Path

from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.formats.checked_text import checked_toml, toml_with_checksum
from vpg_gui.formats.files import atomic_write_bytes, read_text

# Inside the package, so that a wheel carries them (assets/presets at the top is a link here).
PRESETS = importlib.resources.files("vpg_gui") / "assets" / "presets"
TOP_KEYS = ("title", "description", "pace", "config")
PACES = (1.0, 2.0, 5.0, 0.0)  # the window's paces, slowest first: epochs a second, 0 for as fast as they come


@dataclass(frozen=True)
class Preset:
    title: str
    description: str
    config: TrainConfig
    pace: float | None = None  # the window's pace for this step of the lecture (PACES); None: leave it


def builtin_presets() -> list[Path]:
    return sorted(Path(str(p)) for p in PRESETS.iterdir() if p.name.endswith(".toml"))


def load_preset(path: Path | str) -> Preset:
    """Read a preset; raises ConfigError naming the file and the key at fault."""
    path = Path(path)
    try:
        text = read_text(path)
    except OSError as exc:
        raise ConfigError(f"{path.name}: not a readable preset: {exc.strerror or exc}") from None
    try:
        data = checked_toml(text, path.name)
    except ValueError as exc:  # TOMLDecodeError is one
        reason = str(exc).removeprefix(f"{path.name}: ")
        raise ConfigError(f"{path.name}: not a valid preset: {reason}") from None
    return preset_from_dict(data, path.name, path.stem)


def preset_from_dict(data: dict, name: str, title: str = "") -> Preset:
    """A preset from its table (a preset file's, or a session's active preset); ConfigError
    names ``name`` and the key at fault. ``title``: the title when the table gives none."""
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: a preset must be a table of {', '.join(TOP_KEYS)}")
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise ConfigError(f"{name}: unknown key {unknown[0]!r}; a preset has {', '.join(TOP_KEYS)}")
    for key in ("title", "description"):
        if not isinstance(data.get(key, ""), str):
            raise ConfigError(f"{name}: {key} must be text")
    pace = data.get("pace")
    if pace is not None and (isinstance(pace, bool) or pace not in PACES):
        allowed = ", ".join(f"{p:g}" for p in PACES)
        raise ConfigError(f"{name}: pace {pace!r}: must be one of {allowed} (epochs a second; 0: as fast as they come)")
    if not isinstance(data.get("config"), dict):
        raise ConfigError(f"{name}: a preset needs a [config] table of settings (it may be empty)")
    try:
        config = TrainConfig.from_dict(data["config"])
    except ConfigError as exc:
        raise ConfigError(f"{name}: {exc}", exc.field) from None
    return Preset(data.get("title", title), data.get("description", ""), config, None if pace is None else float(pace))


def preset_dict(preset: Preset) -> dict:
    """The table save_preset writes and preset_from_dict reads."""
    table = {"title": preset.title, "description": preset.description, "config": preset.config.to_dict()}
    return table if preset.pace is None else {**table, "pace": preset.pace}


def save_preset(path: Path | str, preset: Preset) -> None:
    atomic_write_bytes(path, toml_with_checksum(preset_dict(preset)).encode())


def find_preset(text: str) -> Path:
    """The preset ``text`` names: a file, a built-in preset's number (5) or its file name's words
    (baseline-gae-normalised); ConfigError lists the built-in ones otherwise.

    >>> find_preset("5").name, find_preset("reward-to-go").name
    ('05-baseline-gae-normalised.toml', '02-reward-to-go.toml')
    """
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        return path
    for builtin in builtin_presets():
        number, _, words = builtin.stem.partition("-")
        if text.strip().lstrip("0") == number.lstrip("0") or text.strip().lower() in (words, builtin.stem):
            return builtin
    names = ", ".join(f"{p.stem.partition('-')[0].lstrip('0')} ({p.stem.partition('-')[2]})" for p in builtin_presets())
    raise ConfigError(f"{text!r}: no such preset; give a .toml file or one of {names}")
