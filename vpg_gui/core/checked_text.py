"""Checksums in the text files vpg-gui writes, so that a damaged one is refused when read back.

TOML (presets, a run's config.toml) starts with a line holding the SHA-256 of the rest. A file
written by hand says so in that line instead (``# vpg-gui sha256: none``, as the built-in presets
do), so damage can never pass for a hand edit: a file without a well-formed first line is refused.
CSV rows (metrics.csv, grown one row per epoch, and aggregate.csv) end with a ``check`` column:
the CRC-32 of the row's other cells.

>>> text = toml_with_checksum({"title": "mine", "config": {"lr": 0.05}})
>>> text.splitlines()[0][:18]
'# vpg-gui sha256: '
>>> checked_toml(text, "mine.toml")["config"]
{'lr': 0.05}
>>> checked_toml(text.replace("0.05", "0.5"), "mine.toml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: mine.toml: changed since vpg-gui wrote it (its checksum does not match); if you edited it ...
>>> checked_toml(HAND_WRITTEN + "\\n[config]\\nlr = 0.5\\n", "hand.toml")
{'config': {'lr': 0.5}}
>>> parse_toml("x = " + "[" * 100 + "]" * 100, "deep.toml")
Traceback (most recent call last):
...
ValueError: deep.toml: nested more than 32 levels deep; vpg-gui's files never are
>>> row = {"epoch": 1, "return_mean": 21.5}
>>> row["check"] = row_check(["epoch", "return_mean"], row)
>>> row_check(["epoch", "return_mean"], {"epoch": "1", "return_mean": "21.5"}) == row["check"]
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import tomli_w

from vpg_gui.core.files import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_TOML_HEADER = re.compile(r"# vpg-gui sha256: ([0-9a-f]{64}|none)(?: [^\n]*)?\n")
HAND_WRITTEN = "# vpg-gui sha256: none (written by hand)"
CHECK = "check"  # the CSV column
CSV_LIMIT = 2**30  # metrics.csv: ~400 bytes an epoch, so a million epochs fit
MAX_DEPTH = 32  # tables and lists in TOML or JSON: vpg-gui's own files nest 4 deep


def toml_with_checksum(data: dict) -> str:
    body = tomli_w.dumps(data)
    digest = hashlib.sha256(body.encode()).hexdigest()
    return f"# vpg-gui sha256: {digest} (of the lines below; delete this line to edit by hand)\n{body}"


def checked_toml(text: str, name: str) -> dict:
    """Parse TOML after checking its checksum line; ValueError (or tomllib's TOMLDecodeError, a
    ValueError) names ``name`` and says why not."""
    header = _TOML_HEADER.match(text)
    if not header:
        raise ValueError(
            f"{name}: does not start with its checksum line; for a file written by hand, make the first line: "
            f"{HAND_WRITTEN}"
        )
    if header[1] != "none" and hashlib.sha256(text[header.end() :].encode()).hexdigest() != header[1]:
        raise ValueError(
            f"{name}: changed since vpg-gui wrote it (its checksum does not match); if you edited it by hand, "
            f"make its first line: {HAND_WRITTEN}"
        )
    return parse_toml(text, name)


def parse_toml(text: str, name: str) -> dict:
    """``tomllib.loads`` with the nesting bounded (a ValueError naming ``name``, never a
    3000-line RecursionError)."""
    try:
        return _bounded(tomllib.loads(text), name)
    except RecursionError:
        raise _too_deep(name) from None


def parse_json(text: str | bytes, name: str):
    """``json.loads`` with the nesting bounded, as parse_toml."""
    try:
        return _bounded(json.loads(text), name)
    except RecursionError:
        raise _too_deep(name) from None


def _bounded(tree, name: str):
    """``tree`` unchanged when it nests at most MAX_DEPTH deep (walked without recursion)."""
    level = [tree]
    for _ in range(MAX_DEPTH + 1):
        level = [
            v
            for node in level
            if isinstance(node, dict | list)
            for v in (node.values() if isinstance(node, dict) else node)
        ]
        if not level:
            return tree
    raise _too_deep(name)


def _too_deep(name: str) -> ValueError:
    return ValueError(f"{name}: nested more than {MAX_DEPTH} levels deep; vpg-gui's files never are")


def row_check(columns: Sequence[str], row: dict) -> str:
    """CRC-32 (8 hex digits) of a row's cells in ``columns``, as the csv module writes them."""
    cells = "\x1f".join("" if row.get(c) is None else str(row[c]) for c in columns)
    return f"{zlib.crc32(cells.encode()):08x}"


def csv_line(columns: Sequence[str], row: dict) -> str:
    """One CSV line of ``row`` with its check cell last (``columns`` excludes it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [*("" if row.get(c) is None else row[c] for c in columns), row_check(columns, row)]
    )
    return out.getvalue()


def csv_text(columns: Sequence[str], rows: Iterable[dict]) -> str:
    """A whole checked CSV: the header (``columns`` + check) and the rows."""
    return ",".join([*columns, CHECK]) + "\n" + "".join(csv_line(columns, row) for row in rows)


def read_rows(path: Path | str) -> list[dict]:
    """The checked rows of the CSV file ``path`` (a regular file of at most CSV_LIMIT bytes):
    OSError when it cannot be read, ValueError naming it and the line when a row is damaged."""
    name = Path(path).name
    reader = csv.DictReader(io.StringIO(read_text(path, CSV_LIMIT), newline=""))
    try:
        return list(verify_rows(reader, name))
    except csv.Error as exc:  # e.g. a cell over the csv module's 128 KB limit
        raise ValueError(f"{name}: line {reader.line_num + 1} is damaged ({exc})") from None


def verify_rows(rows: Iterable[dict], name: str) -> Iterable[dict]:
    """Yield ``rows`` (from csv.DictReader), raising ValueError at the first whose check cell is
    missing or does not match its cells."""
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        columns = [c for c in row if c != CHECK]
        if CHECK not in row or None in row or row[CHECK] != row_check(columns, row):
            raise ValueError(f"{name}: line {number} is damaged (its check does not match)")
        yield row
