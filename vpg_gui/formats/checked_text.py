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

from vpg_gui.formats.files import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_TOML_HEADER = re.compile(r"# vpg-gui sha256: ([0-9a-f]{64}|none)(?: [^\n]*)?\n")
HAND_WRITTEN = "# vpg-gui sha256: none (written by hand)"
CHECK = "check"  # the CSV column
CSV_LIMIT = 2**30  # metrics.csv: ~400 bytes an epoch, so a million epochs fit
MAX_CELL = 128 * 1024  # characters in a CSV cell (the csv module's own limit)
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
    return _check_of("\x1f".join("" if row.get(c) is None else str(row[c]) for c in columns))


def _check_of(cells: str) -> str:
    """The check cell of a row whose other cells, joined by \\x1f, are ``cells``."""
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
    """The checked rows of the CSV file ``path`` as dicts (see read_table)."""
    return as_dicts(*read_table(path))


def as_dicts(header: list[str], columns: list) -> list[dict]:
    """read_table's columns as one dict a row."""
    return [dict(zip(header, row, strict=True)) for row in zip(*(c.to_pylist() for c in columns), strict=True)]


def read_table(path: Path | str):
    """The header and the checked columns (pyarrow string arrays, one per header cell) of the CSV
    file ``path``, a regular file of at most CSV_LIMIT bytes: OSError when it cannot be read,
    ValueError naming it (and the line) when it is damaged: a row whose check cell is missing or
    does not match its other cells (in header order), a cell over MAX_CELL characters.

    Parsed by pyarrow's CSV reader, in C++: a million rows of metrics.csv in seconds, where
    Python's csv module took 14 s to make the 30 million strings alone (benchmarks/bench_plot_rows.py)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    name = Path(path).name
    text = read_text(path, CSV_LIMIT)
    header = next(csv.reader([text.partition("\n")[0]]), [])
    if CHECK not in header or len(set(header)) != len(header):
        raise ValueError(f"{name}: not a file vpg-gui wrote (its header lacks the {CHECK} column, or repeats one)")
    try:
        table = pcsv.read_csv(
            # A last line without its newline reads as with it, as the csv module reads it.
            pa.py_buffer(text.encode() + (b"" if text.endswith("\n") else b"\n")),
            # One thread: faster here (1.7 s against 2.6 s for a million rows on 2 cores), and no
            # thread pool of pyarrow's is left running when the program exits.
            read_options=pcsv.ReadOptions(column_names=header, skip_rows=1, block_size=2**26, use_threads=False),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:  # e.g. a row with more or fewer cells than the header
        raise ValueError(f"{name}: damaged ({' '.join(str(exc).split())[:200]})") from None
    columns = [table.column(h) for h in header]
    if table.num_rows:
        longest = max(pc.max(pc.utf8_length(c)).as_py() for c in columns)
        if longest > MAX_CELL:
            raise ValueError(f"{name}: damaged (a cell of {longest} characters; vpg-gui writes at most {MAX_CELL})")
        cells = [c for h, c in zip(header, columns, strict=True) if h != CHECK]
        joined = pc.binary_join_element_wise(*cells, "\x1f") if len(cells) > 1 else cells[0]
        checks = table.column(CHECK).to_pylist()
        for number, (row, check) in enumerate(zip(joined.to_pylist(), checks, strict=True), start=2):
            if check != _check_of(row):  # line 1 is the header
                raise ValueError(f"{name}: line {number} is damaged (its check does not match)")
    return header, columns
