"""Checksums in the text files vpg-gui writes, so that a damaged one is refused when read back.

TOML (presets, a run's config.toml) starts with a comment holding the SHA-256 of the rest; a file
without that line (written by hand, like the built-in presets) is read as it is, so deleting the
line is how a hand edit is accepted. CSV rows (metrics.csv, grown one row per epoch, and
aggregate.csv) end with a ``check`` column: the CRC-32 of the row's other cells.

>>> text = toml_with_checksum({"title": "mine", "config": {"lr": 0.05}})
>>> text.splitlines()[0][:18]
'# vpg-gui sha256: '
>>> checked_toml(text, "mine.toml")["config"]
{'lr': 0.05}
>>> checked_toml(text.replace("0.05", "0.5"), "mine.toml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: mine.toml: changed since vpg-gui wrote it (its checksum does not match); if you edited it ...
>>> row = {"epoch": 1, "return_mean": 21.5}
>>> row["check"] = row_check(["epoch", "return_mean"], row)
>>> row_check(["epoch", "return_mean"], {"epoch": "1", "return_mean": "21.5"}) == row["check"]
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import zlib
from collections.abc import Iterable, Sequence

import tomli_w

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_TOML_HEADER = re.compile(r"# vpg-gui sha256: ([0-9a-f]{64})[^\n]*\n")
CHECK = "check"  # the CSV column


def toml_with_checksum(data: dict) -> str:
    body = tomli_w.dumps(data)
    digest = hashlib.sha256(body.encode()).hexdigest()
    return f"# vpg-gui sha256: {digest} (of the lines below; delete this line to edit by hand)\n{body}"


def checked_toml(text: str, name: str) -> dict:
    """Parse TOML, checking the checksum line if there is one; ValueError (or tomllib's
    TOMLDecodeError, a ValueError) names ``name`` and says why not."""
    header = _TOML_HEADER.match(text)
    if header and hashlib.sha256(text[header.end() :].encode()).hexdigest() != header[1]:
        raise ValueError(
            f"{name}: changed since vpg-gui wrote it (its checksum does not match); "
            "if you edited it by hand, delete its first line"
        )
    return tomllib.loads(text)


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


def verify_rows(rows: Iterable[dict], name: str) -> Iterable[dict]:
    """Yield ``rows`` (from csv.DictReader), raising ValueError at the first whose check cell
    does not match its cells. Rows of files without a check column pass as they are."""
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        if CHECK in row:
            columns = [c for c in row if c != CHECK]
            if None in row or row[CHECK] != row_check(columns, row):
                raise ValueError(f"{name}: line {number} is damaged (its check does not match)")
        yield row
