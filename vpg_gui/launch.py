"""The console commands' entry points: a Ctrl-C at any moment is one line and exit code 130.

Python's default turns a Ctrl-C during start-up (seconds of torch and Qt imports) into a
traceback dozens of lines long. These import the program inside the handler instead; once
training runs, the program handles Ctrl-C itself (finishing its files first).

    [project.scripts]
    vpg-train = "vpg_gui.launch:train"
"""

from __future__ import annotations

import importlib
import signal
import sys


def train() -> int:
    return _quietly("vpg-train", "vpg_gui.cli")


def sweep() -> int:
    return _quietly("vpg-sweep", "vpg_gui.sweep_cli")


def gui() -> int:
    return _quietly("vpg-gui", "vpg_gui.qt.app")


def plot() -> int:
    return _quietly("vpg-plot", "vpg_gui.qt.plot_app")


def _quietly(prog: str, module: str) -> int:
    signal.signal(signal.SIGINT, _interrupt)
    try:
        return importlib.import_module(module).main()
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


def _interrupt(*_) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the way out
    raise KeyboardInterrupt
