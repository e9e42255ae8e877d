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
