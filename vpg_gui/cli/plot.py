"""`vpg-plot`: the window's plots drawn from run directories, for the vpg-train user and for slides.

vpg-plot runs/lr-0.01 runs/lr-0.1                  # a window with both runs, labelled apart
vpg-plot runs/seeds --out seeds.png --width 1920   # a directory of seeds: mean +- std, a 1920x1080 slide
vpg-plot runs/lr-0.01 --only return --out r.png    # the return plot alone
vpg-plot ~/.local/share/vpg-gui/vpg-gui --diagnostic entropy --smooth 0.8 --out runs.svg
vpg-plot runs/lr-sweep                             # a vpg-sweep: each swept value's seeds, mean +- std
vpg-plot --sensitivity runs/lr-sweep --out s.png   # its final return against the swept values
vpg-plot --inspect runs/rb --epoch 5 --out u.png   # inside epoch 5's update (vpg-train --record-batches)

The same drawing as the window (qt/plots.py) and its export (qt/export.py): one curve per run,
labelled by what sets it apart (model/labels.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from vpg_gui.flags import OneLineParser

PROG = "vpg-plot"
WINDOW_SIZE = (1200, 1100)  # the layout drawn, before scaling to --width


def build_parser() -> OneLineParser:
    from vpg_gui.qt.views.export import DEFAULT_WIDTH, PLOTS

    parser = OneLineParser(prog=PROG, description="Draw vpg-gui's plots from run directories.")
    parser.add_argument(
        "runs",
        nargs="*",
        type=Path,
        help="run directories (vpg-train --out), seed directories, "
        "the window's autosave directory, or metrics CSV files",
    )
    parser.add_argument(
        "--sensitivity",
        type=Path,
        metavar="SWEEP_DIR",
        help="draw a vpg-sweep directory's final return against each swept value instead",
    )
    parser.add_argument(
        "--inspect",
        type=Path,
        metavar="RUN_DIR",
        help="draw what one epoch's update did to its batch (--epoch N), from a vpg-train --record-batches run",
    )
    parser.add_argument("--epoch", type=int, default=1, help="the epoch --inspect draws (default 1)")
    parser.add_argument("--out", type=Path, help="write FILE.png or FILE.svg instead of opening a window")
    parser.add_argument(
        "--width", type=int, default=DEFAULT_WIDTH, help="width of --out in pixels, 16:9 (default 1920: 1920x1080)"
    )
    parser.add_argument(
        "--only", choices=PLOTS, help="draw this plot alone (default: return, length and diagnostic, stacked)"
    )
    parser.add_argument("--diagnostic", default="grad_var", help="the third plot's series (default grad_var)")
    parser.add_argument("--smooth", type=float, default=0.0, help="EMA of the mean curves, 0 to 0.99 (default 0)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from vpg_gui.qt.views.diagnostics_plot import SERIES
    from vpg_gui.qt.views.export import SUFFIXES
    from vpg_gui.storage.run_files import RunFilesError, read_runs, read_sweep_dir

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.diagnostic not in SERIES:
        parser.error(f"--diagnostic {args.diagnostic!r}: must be one of {', '.join(SERIES)}")
    if not 0 <= args.smooth <= 0.99:
        parser.error(f"--smooth {args.smooth:g}: must be between 0 and 0.99")
    if not 320 <= args.width <= 7680:
        parser.error(f"--width {args.width}: must be between 320 and 7680")
    if args.out is not None and args.out.suffix.lower() not in SUFFIXES:
        parser.error(f"--out {args.out}: must end in .png or .svg")
    if args.inspect is not None:
        return _inspect(args)
    if not args.runs and args.sensitivity is None:
        parser.error("give run directories to plot, --sensitivity SWEEP_DIR or --inspect RUN_DIR")
    try:
        drawn = read_sweep_dir(args.sensitivity) if args.sensitivity is not None else read_runs(args.runs)
    except RunFilesError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    if args.out is not None and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a file needs no screen
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    _quiet_qt()
    if args.sensitivity is not None:
        return _draw_sensitivity(drawn, args)
    return _draw(drawn, args)


def _quiet_qt() -> None:
    """Qt's offscreen platform warns "This plugin does not support propagateSizeHints()" on every
    window: not the user's business, and it would make every answer two lines."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_mode, _context, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _inspect(args) -> int:
    from vpg_gui.algo.batch_record import BatchRecord
    from vpg_gui.storage.run_dir import batch_path

    path = batch_path(args.inspect, args.epoch)
    if not path.is_file():
        print(
            f"{PROG}: error: {path}: no batch record of epoch {args.epoch} there "
            f"(vpg-train --record-batches --out {args.inspect} writes one per epoch)",
            file=sys.stderr,
        )
        return 2
    try:
        record = BatchRecord.load(path)
    except (ValueError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    if args.out is not None and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _quiet_qt()
    from PySide6.QtWidgets import QApplication

    from vpg_gui.qt.views.update_inspector import UpdateInspector

    app = QApplication.instance() or QApplication(sys.argv[:1])
    inspector = UpdateInspector()
    inspector.setWindowTitle(f"{PROG}: {path}")
    inspector.show_record(record, f"epoch {record.epoch} of {args.inspect}", at_once=True)
    if args.out is None:
        inspector.resize(*WINDOW_SIZE)
        inspector.show()
        return app.exec()
    from vpg_gui.qt.views.export import slide_size, write_widget

    inspector.set_presentation(args.width >= 1600)  # 22 px text on a full-size slide
    size = slide_size(args.width)
    code = _write(
        lambda: write_widget(inspector, args.out, args.width),
        args,
        f"epoch {record.epoch}'s update",
        f"{size.width()}x{size.height()}",
    )
    inspector.deleteLater()
    app.processEvents()
    return code


def _draw_sensitivity(results, args) -> int:
    from PySide6.QtWidgets import QApplication

    from vpg_gui.qt.views.sensitivity_plot import SensitivityPlot

    if not results.spec.grid:
        print(
            f"{PROG}: error: {args.sensitivity}: sweeps seeds only; its curves: vpg-plot {args.sensitivity}",
            file=sys.stderr,
        )
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    plot = SensitivityPlot()
    plot.setWindowTitle(f"{PROG}: {args.sensitivity}")
    plot.render(results)
    plot.resize(WINDOW_SIZE[0], 500 * len(results.spec.grid))
    plot.show()
    app.processEvents()
    if args.out is None:
        return app.exec()
    from vpg_gui.qt.views.export import write_items

    code = _write(
        lambda: write_items(list(plot.panels.values()), args.out, args.width),
        args,
        f"{results.done} trials",
        f"{args.width} px wide",
    )
    plot.deleteLater()  # before the QApplication goes: pyqtgraph's items crash Python's exit otherwise
    app.processEvents()
    return code


def _draw(workspace, args) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QSplitter

    from vpg_gui.envs.make import env_info
    from vpg_gui.qt.views.plots import TrainingPlots
    from vpg_gui.qt.views.run_list import RunList

    app = QApplication.instance() or QApplication(sys.argv[:1])
    plots = TrainingPlots(workspace)
    info = env_info(workspace.live.config.env_id)
    plots.set_env(info.reward_threshold, info.max_episode_steps)
    plots.diagnostics.series.setCurrentIndex(plots.diagnostics.series.findData(args.diagnostic))
    plots.set_smoothing(args.smooth)
    if args.out is not None:
        from vpg_gui.qt.views.export import PLOTS, slide_size, write_plots

        drawn = f"{len([r for r in workspace.runs() if r.history]) + len(workspace.seed_groups)} runs"
        which = (args.only,) if args.only else PLOTS
        size = slide_size(args.width)
        code = _write(
            lambda: write_plots(plots, args.out, args.width, which), args, drawn, f"{size.width()}x{size.height()}"
        )
        plots.deleteLater()
        return code
    window = QSplitter(Qt.Orientation.Horizontal)  # the plots, and the runs named beside them
    window.setWindowTitle(f"{PROG}: {', '.join(str(p) for p in args.runs)}")
    window.addWidget(plots)
    runs = RunList(workspace)
    runs.highlighted.connect(plots.set_highlight)
    workspace.runs_changed.connect(plots.redraw)
    window.addWidget(runs)
    screen = app.primaryScreen().availableGeometry()  # a small screen gets all of it
    window.resize(min(WINDOW_SIZE[0], screen.width()), min(WINDOW_SIZE[1], screen.height()))
    window.setSizes([window.width() - 300, 300])
    window.show()
    return app.exec()


def _write(write, args, what: str, size: str) -> int:
    from vpg_gui.formats.files import os_reason

    try:
        write()
    except OSError as exc:
        print(f"{PROG}: error: {os_reason(exc)}", file=sys.stderr)
        return 2
    print(f"{PROG}: {what} drawn to {args.out} ({size})")
    return 0


if __name__ == "__main__":
    from vpg_gui.launch import plot

    sys.exit(plot())
