"""How much memory a computation over a whole batch may hold at once, and the chunks that keep it so.

A batch of a million steps through a 256,256 network holds gigabytes of activations; the update,
the value fit, the KL and the gradient-variance diagnostic all work through such a batch in
chunks of steps sized to this budget (one chunk at the default sizes, so nothing changes there).

>>> step_slices(10, BUDGET_BYTES // 4)
[slice(0, 4, None), slice(4, 8, None), slice(8, 10, None)]
>>> episode_slices(np.array([3, 2, 4, 6]), BUDGET_BYTES // 5)  # whole episodes, 5 steps or one episode
[slice(0, 5, None), slice(5, 9, None), slice(9, 15, None)]
"""

from __future__ import annotations

import numpy as np

BUDGET_BYTES = 256 * 2**20


def within_budget(bytes_each: int) -> int:
    """How many items of ``bytes_each`` BUDGET_BYTES holds (at least one)."""
    return max(1, BUDGET_BYTES // max(1, bytes_each))


def step_slices(steps: int, bytes_per_step: int) -> list[slice]:
    """Consecutive slices covering ``steps``, each holding at most BUDGET_BYTES."""
    size = within_budget(bytes_per_step)
    return [slice(start, min(start + size, steps)) for start in range(0, steps, size)]


def episode_slices(lengths: np.ndarray, bytes_per_step: int) -> list[slice]:
    """Consecutive slices of whole episodes (laid end to end with ``lengths``), each holding at
    most BUDGET_BYTES, or one episode where a single one holds more."""
    size = within_budget(bytes_per_step)
    ends = np.cumsum(lengths)
    out, start = [], 0
    while start < (ends[-1] if len(ends) else 0):
        first = np.searchsorted(ends, start, side="right")  # the episode that begins at start
        last_fitting = np.searchsorted(ends, start + size, side="right") - 1
        stop = int(ends[max(first, last_fitting)])
        out.append(slice(start, stop))
        start = stop
    return out
