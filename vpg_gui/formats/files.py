"""Files written atomically and read safely.

Writes: a reader sees the old file or the new one, never half of one. The new file gets the
user's umask (usually 0644), like any file a program creates, and a failed write (a full disk, a
read-only directory) leaves no temp file behind. ``os.replace`` swaps a symlink itself, never
the file it points to.

Reads: only a regular file is read (a FIFO would block forever, ``/dev/zero`` never ends), and
only up to a size stated for its kind, checked before a byte is read. Both refusals are
OSErrors naming the file, so every caller's "cannot read" path says them in one line.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> atomic_write_bytes(p, b"hello")
>>> read_bytes(p, limit=10)
b'hello'
>>> read_bytes(p, limit=3)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
OSError: [Errno 27] 5 bytes: larger than the 3 bytes vpg-gui reads for this kind of file: '...a.txt'
>>> read_bytes(p.parent, limit=10)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
IsADirectoryError: [Errno 21] Is a directory: '...'
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

TEXT_LIMIT = 16 * 2**20  # presets, config.toml, settings, a sweep's spec: a few KB in practice
KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


def read_bytes(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; OSError naming the file
    for anything else (a FIFO, a device, a directory, a larger file)."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            raise OSError(errno.EINVAL, f"{kind}, not a regular file: vpg-gui reads only regular files", str(path))
        if info.st_size > limit:
            raise OSError(
                errno.EFBIG,
                f"{info.st_size} bytes: larger than the {limit} bytes vpg-gui reads for this kind of file",
                str(path),
            )
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:  # a file that grows while it is read stops at the limit too
            chunk = os.read(fd, min(limit + 1 - size, 2**24))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise OSError(errno.EFBIG, f"larger than the {limit} bytes vpg-gui reads for this kind of file", str(path))
        return b"".join(chunks)
    except MemoryError:
        raise OSError(errno.ENOMEM, "too large to read into this process's memory", str(path)) from None
    finally:
        os.close(fd)


def read_text(path: Path | str, limit: int = TEXT_LIMIT) -> str:
    """``read_bytes`` decoded as UTF-8 (a leading byte-order mark dropped, as editors may write
    one); a file that is not UTF-8 is an OSError naming it."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OSError(errno.EINVAL, f"not UTF-8 text (byte {exc.start})", str(path)) from None


def open_no_follow(path: Path | str, flags: int, mode: int = 0o666) -> int:
    """``os.open`` that refuses a symlink at ``path`` (ELOOP, said in words): a file a run writes
    in place (its lock, its growing CSV) is never one a link points to."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "is a symbolic link; vpg-gui does not write through one", str(path)) from None
        raise


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
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp)):  # name the user's file
            exc.filename = str(path)
        raise


def new_temp_beside(path: Path) -> Path:
    """A new, empty, hidden file beside ``path`` to write and then ``os.replace`` into place.
    os.open's mode goes through the umask (tempfile.mkstemp would force 0600)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        exc.filename = str(path)  # the user's file, not our hidden temp's name, is what they named
        raise
    return tmp


def os_reason(exc: OSError) -> str:
    """ "runs/x/metrics.csv: No space left on device": the path and the OS's reason, one line."""
    reason = exc.strerror or str(exc)
    return f"{exc.filename}: {reason}" if exc.filename is not None else f"cannot write a file: {reason}"
