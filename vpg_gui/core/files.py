"""Atomic file writes: a reader sees the old file or the new one, never half of one.

The new file gets the user's umask (usually 0644), like any file a program creates, and a failed
write (a full disk, a read-only directory) leaves no temp file behind.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> atomic_write_bytes(p, b"hello")
>>> p.read_bytes()
b'hello'
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write to a temp file beside ``path``, fsync it, then ``os.replace`` it into place."""
    path = Path(path)
    tmp = new_temp_beside(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:  # a failed write names no file
            exc.filename = str(path)
        raise


def new_temp_beside(path: Path) -> Path:
    """A new, empty, hidden file beside ``path`` to write and then ``os.replace`` into place.
    os.open's mode goes through the umask (tempfile.mkstemp would force 0600)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return tmp


def os_reason(exc: OSError) -> str:
    """ "runs/x/metrics.csv: No space left on device": the path and the OS's reason, one line."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename is not None else f"cannot write a file: {reason}"
