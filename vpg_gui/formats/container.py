"""Checked binary files (checkpoints, sessions): a header line, a JSON document and raw arrays.

    vpg-gui <format> <version> <json bytes> <array bytes> <sha256 of both>\\n
    {"config": {...}, "policy": {"0.weight": {"$array": ["float32", [32, 4], 0]}, ...}, ...}
    <the arrays' bytes, little-endian, one after another>

Reading one never runs code and never imports anything: the document is JSON, the arrays are
``numpy.frombuffer`` of a few plain dtypes, and nothing is parsed before the checksum matched, so
a flipped byte anywhere is refused. No torch is needed to read or write one.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
>>> write_checked(p, "demo", 1, {"w": np.ones((2, 3), np.float32), 3: ("a", None, 1.5)})
>>> tree = read_checked(p, "demo", 1)
>>> tree["w"].shape, tree[3]
((2, 3), ['a', None, 1.5])
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from vpg_gui.formats.checked_text import parse_json
from vpg_gui.formats.files import atomic_write_bytes, read_bytes

TAG = b"vpg-gui"
DTYPES = ("float32", "float64", "int64", "int32", "uint8", "bool")
MAX_HEADER = 256
# The largest file read: a 1024x1024x4 network with its Adam moments is ~200 MB; past this a
# file is refused before it is read (a 20 GB sparse file would exhaust memory).
MAX_BYTES = 2 * 2**30


class ContainerError(ValueError):
    """Not a readable file of the expected format; the message names the file and says why."""


def write_checked(path: Path | str, fmt: str, version: int, tree: Any) -> None:
    """Write ``tree`` (dicts, lists, tuples, str, numbers, None, numpy arrays) atomically."""
    blobs: list[bytes] = []
    doc = json.dumps(_encode(tree, blobs, [0]), separators=(",", ":")).encode()
    blob = b"".join(blobs)
    digest = hashlib.sha256(doc + blob).hexdigest()
    header = b"%s %s %d %d %d %s\n" % (TAG, fmt.encode(), version, len(doc), len(blob), digest.encode())
    atomic_write_bytes(path, header + doc + blob)


def read_checked(path: Path | str, fmt: str, version: int, kind: str | None = None) -> Any:
    """The tree written by write_checked; ContainerError for a missing, foreign, damaged,
    truncated or other-version file. ``kind`` names the file in messages (default: ``fmt``)."""
    kind = kind or fmt
    path = Path(path)
    try:
        data = read_bytes(path, MAX_BYTES)
    except OSError as exc:
        raise ContainerError(f"{path}: cannot read the {kind}: {exc.strerror or exc}") from None
    end = data.find(b"\n", 0, MAX_HEADER)
    fields = data[:end].split(b" ") if end > 0 else []
    if len(fields) != 6 or fields[0] != TAG:
        older = " (a file of an older vpg-gui, before checksums: it cannot be read)" if data[:2] == b"PK" else ""
        raise ContainerError(f"{path}: not a vpg-gui {kind}{older}")
    try:
        if not all(f.isdigit() for f in fields[2:5]):  # int() would take "+12", " 12" or "1_2"
            raise ValueError
        found_fmt, found_version, doc_len, blob_len = fields[1].decode(), *map(int, fields[2:5])
        digest = fields[5].decode()
    except (UnicodeDecodeError, ValueError):
        raise ContainerError(f"{path}: not a vpg-gui {kind} (damaged header)") from None
    if found_fmt != fmt:
        raise ContainerError(f"{path}: not a vpg-gui {kind} (it is a {found_fmt})")
    if found_version != version:
        raise ContainerError(f"{path}: {kind} format version {found_version}; this vpg-gui reads {version}")
    body = data[end + 1 :]
    if doc_len < 0 or blob_len < 0 or len(body) != doc_len + blob_len:
        size = doc_len + blob_len
        raise ContainerError(f"{path}: damaged {kind}: {len(body)} bytes after its header instead of {size}")
    if hashlib.sha256(body).hexdigest() != digest:
        raise ContainerError(f"{path}: damaged {kind}: its checksum does not match (changed after it was written)")
    try:
        return _decode(parse_json(body[:doc_len], "its document"), memoryview(body)[doc_len:])
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ContainerError(f"{path}: damaged {kind}: {exc}") from None


def _encode(value: Any, blobs: list[bytes], offset: list[int]) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPES:
            raise TypeError(f"arrays of {value.dtype} cannot be stored")
        raw = np.ascontiguousarray(value, value.dtype.newbyteorder("<")).tobytes()
        blobs.append(raw)
        offset[0] += len(raw)
        return {"$array": [value.dtype.name, list(value.shape), offset[0] - len(raw)]}
    if isinstance(value, dict):
        items = [(k, _encode(v, blobs, offset)) for k, v in value.items()]
        if all(isinstance(k, str) and not k.startswith("$") for k, _ in items):
            return dict(items)
        return {"$dict": [[k, v] for k, v in items]}  # int keys (optimizer state), or "$..." keys
    if isinstance(value, list | tuple):
        return [_encode(v, blobs, offset) for v in value]
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} values cannot be stored")


def _decode(value: Any, blob: memoryview) -> Any:
    if isinstance(value, list):
        return [_decode(v, blob) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and "$array" in value:
        dtype, shape, offset = value["$array"]
        if dtype not in DTYPES or not all(type(n) is int and n >= 0 for n in [*shape, offset]):
            raise ValueError(f"bad array description {value['$array']!r}")
        dt = np.dtype(dtype).newbyteorder("<")
        nbytes = math.prod(shape) * dt.itemsize  # Python ints: a huge shape cannot overflow
        if offset + nbytes > len(blob):
            raise ValueError("an array runs past the end of the file")
        return np.frombuffer(blob[offset : offset + nbytes], dt).astype(dt.newbyteorder("="), copy=True).reshape(shape)
    if len(value) == 1 and "$dict" in value:
        pairs = value["$dict"]
        if not all(isinstance(p, list) and len(p) == 2 and type(p[0]) in (str, int) for p in pairs):
            raise ValueError("bad table")
        return {k: _decode(v, blob) for k, v in pairs}
    return {k: _decode(v, blob) for k, v in value.items()}
