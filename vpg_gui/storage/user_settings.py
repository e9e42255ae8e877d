"""The window's remembered settings, in a TOML file that cannot carry code.

Qt's QSettings stores a Python object as ``@Variant(...)``, a pickle that PySide6 unpickles
whenever the file is read: a settings file copied from another account could run code, even from
a key the window never asks for. So the window never opens a QSettings. It keeps its settings in
``vpg-gui.toml`` (plain text, numbers and tables; written atomically), and reads the old
``vpg-gui.conf`` once, as text, taking over only plain text values: a value of Qt's ``@...``
forms (a pickled object, a byte array) is never decoded, and is reported as dropped.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "vpg-gui.conf").write_text('[General]\\nsaveFolder=/home/me/talks\\nx=@Variant(\\\\0\\\\0)\\n')
>>> settings = UserSettings(folder / "vpg-gui.toml", legacy=folder / "vpg-gui.conf")
>>> settings.get("saveFolder"), settings.dropped
('/home/me/talks', ['x (not plain text: vpg-gui never decodes a stored object, which could run code)'])
>>> settings.set("config", {"lr": 0.05}); settings.save()
>>> UserSettings(folder / "vpg-gui.toml").get("config", dict)
{'lr': 0.05}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli_w

from vpg_gui.formats.checked_text import parse_json, parse_toml
from vpg_gui.formats.files import atomic_write_bytes, os_reason, read_text

# What the window remembers (key -> type); any other key in the file is ignored.
KEYS = {"config": dict, "geometry": str, "splitter": str, "saveFolder": str, "sweep/address": str}
# A line of Qt's INI file: key=value. Only plain text values are taken over from it: unquoted
# without a backslash, or quoted with only \" and \\ escapes.
_LINE = re.compile(r"^([A-Za-z0-9_%/]+)\s*=\s*(.*?)\s*$")
_QUOTED = re.compile(r'^"((?:[^"\\]|\\["\\])*)"$')


class UserSettings:
    """``path``: the TOML file; ``legacy``: Qt's INI file, read as text when ``path`` does not
    exist yet. ``dropped`` lists what was found but not taken (to tell the user once)."""

    def __init__(self, path: Path, legacy: Path | None = None):
        self.path = Path(path)
        self.dropped: list[str] = []
        self._values: dict[str, Any] = {}
        if self.path.exists() or self.path.is_symlink():
            self._values = self._read_toml()
        elif legacy is not None and legacy.exists():
            self._values = self._read_legacy(legacy)

    def get(self, key: str, kind: type = str) -> Any:
        """The value remembered under ``key``, or None when there is none of that type."""
        value = self._values.get(key)
        return value if isinstance(value, kind) else None

    def set(self, key: str, value: Any) -> None:
        self._values[key] = value

    def remove(self, key: str) -> None:
        self._values.pop(key, None)

    def save(self) -> None:
        """Write the file atomically; OSError (e.g. a read-only home) is the caller's to report."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, tomli_w.dumps(self._values).encode())

    def _read_toml(self) -> dict[str, Any]:
        try:
            data = parse_toml(read_text(self.path), self.path.name)
        except OSError as exc:
            self.dropped.append(f"all of them ({os_reason(exc)})")
            return {}
        except ValueError as exc:  # not TOML, or nested too deep
            self.dropped.append(f"all of them ({exc})")
            return {}
        kept = {}
        for key, value in data.items():
            if key in KEYS and isinstance(value, KEYS[key]):
                kept[key] = value
            elif key in KEYS:
                self.dropped.append(f"{key} (not {KEYS[key].__name__})")
        return kept

    def _read_legacy(self, path: Path) -> dict[str, Any]:
        """The plain text values of Qt's INI file, read as text: nothing in it is decoded or run."""
        try:
            text = read_text(path)
        except OSError as exc:
            self.dropped.append(f"the old settings ({os_reason(exc)})")
            return {}
        values: dict[str, Any] = {}
        section = ""
        for line in text.splitlines():
            if line.startswith("["):
                section = line.strip().strip("[]")
                continue
            match = _LINE.match(line)
            if not match or line.lstrip().startswith(";"):
                continue
            key = match[1] if section in ("", "General") else f"{section}/{match[1]}"
            value = self._plain(key, match[2])
            if value is None:
                continue
            if key == "config":
                try:
                    values[key] = parse_json(value, "config")
                except ValueError as exc:
                    self.dropped.append(f"config ({exc})")
            elif key in KEYS and KEYS[key] is str:
                values[key] = value
        return values

    def _plain(self, key: str, raw: str) -> str | None:
        """``raw`` as plain text, or None (noted in ``dropped`` when it was more than text)."""
        quoted = _QUOTED.match(raw)
        text = re.sub(r"\\(.)", r"\1", quoted[1]) if quoted else raw
        if raw.startswith("@ByteArray("):
            return None  # the window's layout: not worth decoding; the window opens at its default size
        if text.startswith("@") or (not quoted and any(c in raw for c in '\\",')):
            self.dropped.append(f"{key} (not plain text: vpg-gui never decodes a stored object, which could run code)")
            return None
        return text
