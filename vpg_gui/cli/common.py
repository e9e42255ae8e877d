"""What the command-line tools share beyond their flags (vpg_gui/flags.py): one line and an exit
code for an error, and Ctrl-C / SIGTERM turned into a stop flag.

    with stop_on_signals() as stop:
        while not stop.is_set(): ...
    return fail("no such file", prog="vpg-train")   # prints "vpg-train: error: no such file", gives 2
"""

from __future__ import annotations

import contextlib
import signal
import sys


def fail(message: str, code: int = 2, *, prog: str) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code


class Stop:
    """Set by Ctrl-C or SIGTERM; ``code`` is the exit code the first one asks for (130 / 143).

    A plain flag, not a threading.Event: Event.set takes a lock, and a second signal arriving
    while the first handler holds it deadlocked the process (five Ctrl-Cs in a row, seen here)."""

    def __init__(self):
        self.code = 0

    def is_set(self) -> bool:
        return self.code != 0

    def on_signal(self, sig: int, _frame) -> None:
        self.code = self.code or 128 + sig


@contextlib.contextmanager
def stop_on_signals():
    """Ctrl-C / SIGTERM set the yielded Stop instead of raising, so the epoch in flight is
    cancelled and no file is cut off half-way, however many arrive. The previous handlers come
    back afterwards, unless a signal came: then the program is on its way out, and further
    signals are ignored (a third Ctrl-C must not interrupt the last line or the exit)."""
    stop = Stop()
    previous = {sig: signal.signal(sig, stop.on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_IGN if stop.is_set() else handler)


def summary(history, threshold: float | None, out, prog: str) -> str:
    """The last line of a run: epochs, best mean return, solve epoch, where the files went.

    >>> from vpg_gui.algo.metrics import EpochStats
    >>> h = [EpochStats(i, r, 0, r, r, r, 1, 500, 0, 0, 0.01, 500, 1, "e", 0.1, 5e3) for i, r in [(1, 20), (2, 480)]]
    >>> summary(h, 475.0, None, 'vpg-train')
    'vpg-train: 2 epochs, best mean return 480.0 at epoch 2, solved (475) at epoch 2; nothing kept (no --out)'
    """
    if not history:
        return f"{prog}: no epoch finished" + (f"; {out} holds the run's settings" if out else "")
    best = max(history, key=lambda s: s.return_mean)
    epochs = history[-1].epoch
    text = f"{prog}: {epochs} epoch{'s' * (epochs != 1)}, best mean return {best.return_mean:.1f} at epoch {best.epoch}"
    if threshold is not None:
        solved = next((s.epoch for s in history if s.return_mean >= threshold), None)
        text += f", solved ({threshold:g}) at epoch {solved}" if solved else f", not solved ({threshold:g})"
    return text + (f"; files in {out}" if out is not None else "; nothing kept (no --out)")
