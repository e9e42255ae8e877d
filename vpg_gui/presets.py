"""Presets: TOML files that set up one step of the lecture story.

    title = "1. The post's plain policy gradient"
    description = "Every action weighted by its whole episode's return."
    [config]
    lr = 0.01
    weighting = "episode-return"

Settings missing from [config] keep their defaults; unknown keys or bad values are refused with
a message naming the key. A preset saved by vpg-gui starts with a checksum line (checked_text.py);
an environment id naming a module is never imported from a preset (core/env_ids.py).

>>> [p.title for p in map(load_preset, builtin_presets())][:1]
["1. The post's plain policy gradient"]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.core.checked_text import checked_toml, toml_with_checksum
from vpg_gui.core.files import atomic_write_bytes

PRESETS_DIR = Path(__file__).resolve().parent.parent / "assets" / "presets"
TOP_KEYS = ("title", "description", "config")


@dataclass(frozen=True)
class Preset:
    title: str
    description: str
    config: TrainConfig


def builtin_presets() -> list[Path]:
    return sorted(PRESETS_DIR.glob("*.toml"))


def load_preset(path: Path | str) -> Preset:
    """Read a preset; raises ConfigError naming the file and the key at fault."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: not a readable preset: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = checked_toml(text, path.name)
    except ValueError as exc:  # TOMLDecodeError is one
        reason = str(exc).removeprefix(f"{path.name}: ")
        raise ConfigError(f"{path.name}: not a valid preset: {reason}") from None
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise ConfigError(f"{path.name}: unknown key {unknown[0]!r}; a preset has {', '.join(TOP_KEYS)}")
    for key in ("title", "description"):
        if not isinstance(data.get(key, ""), str):
            raise ConfigError(f"{path.name}: {key} must be text")
    if not isinstance(data.get("config"), dict):
        raise ConfigError(f"{path.name}: a preset needs a [config] table of settings (it may be empty)")
    try:
        config = TrainConfig.from_dict(data["config"])
    except ConfigError as exc:
        raise ConfigError(f"{path.name}: {exc}", exc.field) from None
    return Preset(data.get("title", path.stem), data.get("description", ""), config)


def save_preset(path: Path | str, preset: Preset) -> None:
    data = {"title": preset.title, "description": preset.description, "config": preset.config.to_dict()}
    atomic_write_bytes(path, toml_with_checksum(data).encode())
