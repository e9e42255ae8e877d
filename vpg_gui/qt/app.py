"""`vpg-gui`: the playground window.

vpg-gui                          # the window with the default settings
vpg-gui --lr 0.02 --epochs 80    # pre-filled controls (the same flags as vpg-train)
vpg-gui --autostart              # start training at launch
"""

from __future__ import annotations

import gc
import os
import signal
import sys
from pathlib import Path

from vpg_gui.algo.checkpoint import CheckpointError
from vpg_gui.config import ConfigError, TrainConfig
from vpg_gui.envs.ids import allow_module
from vpg_gui.flags import OneLineParser, add_config_flags, flag_message, given_settings

PROG = "vpg-gui"


SIGNAL_POLL_MS = 250  # how often Python gets control to run a Ctrl-C / SIGTERM handler


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog=PROG, description="A playground for watching the simplest policy gradient learn.")
    add_config_flags(parser)
    parser.add_argument("--autostart", action="store_true", help="start training as soon as the window is up")
    parser.add_argument("session", nargs="?", type=Path, help="a session saved from the window (.vpgsession)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = given_settings(args)
    try:
        if args.env_id is not None:  # typed on the command line (not a preset's): its module may be imported
            allow_module(args.env_id)
        config = TrainConfig(**settings).validate() if settings else None
        if config is not None:
            from vpg_gui.envs.make import env_info

            env_info(config.env_id)  # spaces the policy cannot take are refused here, as vpg-train does
        if args.session is not None:
            from vpg_gui.storage.session import read_session

            read_session(args.session)  # checked before any window appears
    except ConfigError as exc:
        print(f"{PROG}: error: {flag_message(exc)}", file=sys.stderr)
        return 2
    except CheckpointError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    if _no_display():
        print(
            f"{PROG}: error: no display to open a window on (DISPLAY is not set): run it on a desktop, "
            "under xvfb-run, or with QT_QPA_PLATFORM=offscreen",
            file=sys.stderr,
        )
        return 2
    # Frames are drawn off-screen by pygame: never let SDL open a window of its own.
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vpg_gui.qt.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("vpg-gui")
    app.setOrganizationName("vpg-gui")
    prepare_process()
    window = MainWindow(config, offer_restore=args.session is None)
    window.show()
    if args.session is not None:
        window.files.open_session_file(args.session)
    # The modules and widgets made so far live as long as the window: keep them out of full
    # garbage collections, which otherwise scanned them all and froze the window for tens of
    # milliseconds (benchmarks/soak_gui.py; figures in docs/performance.md).
    gc.freeze()
    if args.autostart:
        QTimer.singleShot(0, window.train_button.click)
    # Ctrl-C in the terminal and SIGTERM close the window as File > Quit does (runs stopped,
    # files finished, sweeps cancelled). Python runs a signal handler only when it next gets
    # control, and Qt's event loop never gives it: a timer does, four times a second.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: window.close())
    wake = QTimer(interval=SIGNAL_POLL_MS)
    wake.timeout.connect(lambda: None)
    wake.start()
    return app.exec()


def prepare_process() -> None:
    """Process-wide settings for the window's process, made once at start-up.

    Training runs in a child process, but a GIF export draws frames on a thread here: a short
    switch interval makes it hand the GIL back often enough for the GUI to paint."""
    sys.setswitchinterval(0.001)


def _no_display() -> bool:
    """On Linux without X or Wayland (and no other Qt platform asked for), Qt would abort."""
    env = os.environ
    return (
        sys.platform.startswith("linux")
        and not env.get("QT_QPA_PLATFORM")
        and not env.get("DISPLAY")
        and not env.get("WAYLAND_DISPLAY")
    )


if __name__ == "__main__":
    from vpg_gui.launch import gui

    sys.exit(gui())
