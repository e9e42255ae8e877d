"""Keep freed memory for reuse instead of handing it back to the system, in a process that trains.

An epoch allocates and frees tensors of 0.1-5 MB by the hundred (a batch's inputs, gradients,
their float64 copies). glibc's malloc serves such sizes with fresh ``mmap`` pages, and the first
touch of every page is a page fault, which made an epoch at batch 5000 markedly slower (figures:
docs/performance.md). Raising the mmap and
trim thresholds keeps the heap's freed blocks for the next epoch (the memory stays bounded by an
epoch's peak). A no-op where the C library is not glibc.

    keep_freed_memory()   # once, at the start of a training process
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
THRESHOLD = 256 * 2**20  # the memory budget of budget.py: no single block of an epoch is larger


def keep_freed_memory() -> bool:
    """True when the C library took the settings."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl)
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, THRESHOLD))
