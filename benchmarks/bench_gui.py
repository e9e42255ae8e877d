"""The window under load: event-loop lateness, training speed, render rate, frame cost, start-up.

    python benchmarks/bench_gui.py                        # ~2 minutes, offscreen
    python benchmarks/bench_gui.py --seconds 5 --repeat 1
    python benchmarks/bench_gui.py --only-first  # section 5 alone

1. Responsiveness: CartPole trains at full speed (batch 5000) with the plots updating and an
   episode playing at 1x, while a 10 ms QTimer in the GUI thread records how late each tick is.
2. Training speed in the window against headless Trainer over the same epochs (same seed, so the
   same batches): the ratio of their summed epoch seconds, and of the wall-clock time the window
   took for them (which adds handing each epoch from the training process to the window).
   1 and 2 are repeated (--repeat).
3. Render panel: ticks per second of its timer at 1x, and the cost of converting and showing one
   frame (QImage wrap + a full paint of the view), against the cost of drawing it with pygame.
4. Start-up: launch to visible window, against a bare PySide6 window as the baseline.
5. A new window's first seconds: Train to the first epoch once start-up is done, and the worst
   tick from Train on (with Play pressed at once), when the run's first epochs and frames come.
6. Time travel: after 1, each epoch picked in turn (Workspace.select, as a click on a curve does)
   until it is on screen (the policy restarted, the heatmap, the update inspector when open).

--inspector opens View > Inside the update (U) first: it follows the live run in 1 and 6.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.lateness import LatenessProbe  # noqa: E402
from vpg_gui.algo.trainer import Trainer  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.qt.app import prepare_process  # noqa: E402
from vpg_gui.qt.main_window import MainWindow  # noqa: E402
from vpg_gui.qt.views.render import RenderPanel  # noqa: E402


def pct(values, q):
    return float(np.percentile(np.asarray(values), q))


def responsiveness(
    app: QApplication, seconds: float, play: bool, inspector: bool = False, selections: list | None = None
):
    prepare_process()  # as vpg-gui does at start-up
    frame_costs: list[float] = []  # seconds to draw, convert and show each frame, timed around the panel's own call
    show = RenderPanel._show

    def timed_show(panel):
        start = time.perf_counter()
        show(panel)
        frame_costs.append(time.perf_counter() - start)

    RenderPanel._show = timed_show
    window = MainWindow(TrainConfig(epochs=0, seed=0))
    window.show()
    gc.freeze()  # as vpg-gui does once the window is up
    if play:
        window.render_panel.play_button.click()
    if inspector:
        window.findChild(QAction, "inspectorAction").trigger()
    render_ticks: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    window.render_panel.timer.timeout.connect(lambda: render_ticks.append(clock.nsecsElapsed() / 1e9))
    arrivals: list[float] = []  # when each epoch reached the window
    window.worker.epoch_finished.connect(lambda *_: arrivals.append(clock.nsecsElapsed() / 1e9))
    window.train_button.click()
    loop = QEventLoop()
    # Warm-up: torch loads and the first epochs run before measuring.
    poll = QTimer(interval=50, timeout=lambda: len(window.history) >= 2 and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    probe = LatenessProbe()
    start_epoch = len(window.history)
    render_ticks.clear()
    probe.start()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    probe.stop()
    epochs = window.history[start_epoch:]
    wall_s = arrivals[-1] - arrivals[start_epoch - 1]  # from the epoch before the first measured one
    if selections is not None:  # 6: each epoch picked in turn, training paused
        window.train_button.click()
        ws = window.workspace
        for epoch in sorted(ws.live.snapshots):
            start = time.perf_counter()
            ws.select(ws.live.number, epoch)
            app.processEvents()
            selections.append(time.perf_counter() - start)
    window.close()
    RenderPanel._show = show
    return probe.late, epochs, wall_s, render_ticks, frame_costs


def first_seconds(app: QApplication, seconds: float, settle_s: float):
    """A fresh window, left ``settle_s`` for its start-up (the fork server loading torch); then
    Play and Train together, as a lecturer does: seconds from Train to the first epoch, and the
    10 ms probe's lateness over the first ``seconds`` from there (the run's first epochs, the
    first frames and the first plots included)."""
    prepare_process()
    window = MainWindow(TrainConfig(epochs=0, seed=0))
    window.show()
    gc.freeze()
    loop = QEventLoop()
    QTimer.singleShot(round(settle_s * 1000), loop.quit)
    loop.exec()
    probe = LatenessProbe()  # its ticks: (seconds since Train, ms late)
    first = []
    window.worker.epoch_finished.connect(lambda *_: first or first.append(probe.clock.nsecsElapsed() / 1e9))
    probe.start()
    window.render_panel.play_button.click()
    window.train_button.click()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    probe.stop()
    window.close()
    return (first[0] if first else float("nan")), probe.ticks


def headless_seconds(epochs):
    trainer = Trainer(TrainConfig(epochs=0, seed=0))
    for _ in range(epochs[0].epoch - 1):
        trainer.train_epoch()
    total = sum(trainer.train_epoch().seconds for _ in epochs)
    trainer.close()
    return total


def frame_cost(app: QApplication, n: int = 300):
    from vpg_gui.playback.episode import EpisodePlayer
    from vpg_gui.qt.views.render import FrameView

    player = EpisodePlayer("CartPole-v1")
    player.start(None)
    view = FrameView()
    view.resize(600, 400)
    view.show()
    draw, show = [], []
    for _ in range(n):
        if player.step(greedy=False):
            player.start(None)
        t0 = time.perf_counter()
        frame = player.frame()
        t1 = time.perf_counter()
        view.show_frame(frame, f"step {player.steps}")
        view.grab()  # paints the widget now, scaled frame and text included
        t2 = time.perf_counter()
        draw.append(t1 - t0)
        show.append(t2 - t1)
    player.close()
    return statistics.median(draw) * 1e3, statistics.median(show) * 1e3


STARTUP = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    def poll():
        if any(w.isVisible() for w in app.topLevelWidgets() if w.isWindow()):
            print("shown", flush=True)
            app.quit()
    timer = QTimer(interval=5, timeout=poll)
    timer.start()
    {body}
    """
)
BARE = "from PySide6.QtWidgets import QWidget; w = QWidget(); w.show(); app.exec()"
VPG = "from vpg_gui.qt import app as vpg_app; vpg_app.main([])"


def startup_seconds(body: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", STARTUP.format(body=body)], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        line = proc.stdout.readline()
        times.append(time.perf_counter() - start)
        proc.kill()
        proc.wait()
        assert line.strip() == "shown", line
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each responsiveness run")
    parser.add_argument("--repeat", type=int, default=3, help="responsiveness runs (the machine is noisy)")
    parser.add_argument("--no-play", action="store_true", help="leave the render panel idle")
    parser.add_argument("--only-first", action="store_true", help="only section 5")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds a new window gets for its start-up (5.)")
    parser.add_argument("--inspector", action="store_true", help="with the update inspector open (View > U)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.only_first:
        report_first(app, args)
        return

    print(f"1-2. {args.seconds:g} s at full training speed, plots updating, episode playing at 1x; 10 ms probe timer")
    ratios, wall_ratios, p99s, worsts, selections = [], [], [], [], []
    for run in range(1, args.repeat + 1):
        lateness, epochs, wall_s, render_ticks, frame_costs = responsiveness(
            app, args.seconds, not args.no_play, args.inspector, selections
        )
        # Headless over the very same epochs (same seed, same batches), twice, to average out drift.
        head_s = (headless_seconds(epochs) + headless_seconds(epochs)) / 2
        window_s = sum(s.seconds for s in epochs)
        ratios.append(window_s / head_s)
        wall_ratios.append(wall_s / head_s)
        p99s.append(pct(lateness, 99))
        worsts.append(max(lateness))
        rate = f"{1000 / np.mean(np.diff(render_ticks) * 1e3):.1f}" if len(render_ticks) > 1 else "-"
        print(
            f"  run {run}: lateness p50 {pct(lateness, 50):.2f} p99 {p99s[-1]:.2f} worst {worsts[-1]:.2f} ms "
            f"({len(lateness)} ticks); epochs {epochs[0].epoch}-{epochs[-1].epoch}: window {window_s:.2f} s, "
            f"headless {head_s:.2f} s, ratio {ratios[-1]:.2f} (wall clock, hand-overs included: "
            f"{wall_s:.2f} s, {wall_ratios[-1]:.2f}); render timer {rate} ticks/s"
        )
    print(
        f"  => lateness p99 (median of runs) {statistics.median(p99s):.2f} ms, worst {max(worsts):.2f} ms; "
        f"window / headless training time, median {statistics.median(ratios):.2f} "
        f"(wall clock {statistics.median(wall_ratios):.2f})"
    )
    if not args.no_play:
        in_band = np.mean(np.abs(np.diff(render_ticks) * 1e3 - 20.0) <= 2.0) * 100
        print(f"3. render timer (last run): {in_band:.0f}% of intervals within 20 +- 2 ms")
        draw_ms, show_ms = frame_cost(app)
        print(f"   per frame, median: convert + show {show_ms:.2f} ms; pygame drawing (gymnasium) {draw_ms:.2f} ms")
        print(f"   in the runs, drawing + convert + show: median {statistics.median(frame_costs) * 1e3:.2f} ms")
    sel = np.asarray(selections) * 1e3
    print(
        f"6. time travel{' (inspector open)' if args.inspector else ''}: {len(sel)} epochs picked, on screen in "
        f"median {np.median(sel):.1f} ms, p99 {np.percentile(sel, 99):.1f}, worst {sel.max():.1f} ms (target <= 100)"
    )
    bare, vpg = startup_seconds(BARE), startup_seconds(VPG)
    print(f"4. start-up to a visible window: vpg-gui {vpg:.2f} s, bare PySide6 window {bare:.2f} s ({vpg / bare:.1f}x)")
    report_first(app, args)


def report_first(app: QApplication, args) -> None:
    print(f"5. a new window, {args.settle:g} s for its start-up, then Play and Train: the first {args.seconds:g} s")
    firsts, worst_first = [], []
    for run in range(1, args.repeat + 1):
        first, lateness = first_seconds(app, args.seconds, args.settle)
        when, worst = max(lateness, key=lambda t: t[1])
        top = sorted(lateness, key=lambda t: -t[1])[:3]
        firsts.append(first)
        worst_first.append(worst)
        print(
            f"  run {run}: first epoch {first:.2f} s after Train; lateness p99 "
            f"{pct([ms for _, ms in lateness], 99):.2f} ms, worst {worst:.1f} ms at {when:.2f} s "
            f"(the next: {', '.join(f'{ms:.0f} ms at {t:.2f} s' for t, ms in top[1:])})"
        )
    print(f"  => first epoch (median) {statistics.median(firsts):.2f} s; worst tick {max(worst_first):.1f} ms")


if __name__ == "__main__":
    main()
