"""How much memory a computation over a whole batch may hold at once, and the chunks that keep it so.

A batch of a million steps through a 256,256 network holds gigabytes of activations; the update,
the value fit, the KL and the gradient-variance diagnostic all work through such a batch in
chunks of steps sized to this budget (one chunk at the default sizes, so nothing changes there).

>>> step_slices(10, BUDGET_BYTES // 4)
[slice(0, 4, None), slice(4, 8, None), slice(8, 10, None)]
"""

from __future__ import annotations

BUDGET_BYTES = 256 * 2**20


def step_slices(steps: int, bytes_per_step: int) -> list[slice]:
    """Consecutive slices covering ``steps``, each holding at most BUDGET_BYTES."""
    size = max(1, BUDGET_BYTES // max(1, bytes_per_step))
    return [slice(start, min(start + size, steps)) for start in range(0, steps, size)]
