"""The console commands' entry points: a Ctrl-C at any moment is one line and exit code 130,
a SIGTERM one line and exit code 143 (128 + the signal's number, as a shell reports them).

Python's default turns a Ctrl-C during start-up (seconds of torch and Qt imports) into a
traceback dozens of lines long, and a SIGTERM kills the process without a word. These import
the program inside the handler instead; once training runs, the program handles both itself
(finishing the epoch in flight or cancelling it, and its files, first).

    [project.scripts]
    vpg-train = "vpg_gui.launch:train"
"""

from __future__ import annotations

import importlib
import signal
import sys


def train() -> int:
    return _quietly("vpg-train", "vpg_gui.cli.train")


def sweep() -> int:
    return _quietly("vpg-sweep", "vpg_gui.cli.sweep")


def gui() -> int:
    return _quietly("vpg-gui", "vpg_gui.qt.app")


def plot() -> int:
    return _quietly("vpg-plot", "vpg_gui.cli.plot")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt (so ``except KeyboardInterrupt``
    cleanup runs for both)."""


def _quietly(prog: str, module: str) -> int:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    try:
        code = importlib.import_module(module).main()
        for sig in (signal.SIGINT, signal.SIGTERM):  # done: a signal now must not turn the exit into a traceback
            signal.signal(sig, signal.SIG_IGN)
        return code
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        print(f"{prog}: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
        return 143 if terminated else 130


def _interrupt(sig: int, _frame) -> None:
    for each in (signal.SIGINT, signal.SIGTERM):  # a second signal must not interrupt the way out
        signal.signal(each, signal.SIG_IGN)
    raise Terminated if sig == signal.SIGTERM else KeyboardInterrupt
