"""The window under load: event-loop lateness, training speed, render rate, frame cost, start-up.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py            # ~1 minute
    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py --seconds 5

1. Responsiveness: CartPole trains at full speed (batch 5000) with the plots updating and an
   episode playing at 1x, while a 10 ms QTimer in the GUI thread records how late each tick is.
2. Training speed in the window against headless Trainer over the same epochs (same seed, so the
   same batches): the ratio of their summed epoch seconds.
3. Render panel: ticks per second of its timer at 1x, and the cost of converting and showing one
   frame (QImage wrap + a full paint of the view), against the cost of drawing it with pygame.
4. Start-up: launch to visible window, against a bare PySide6 window as the baseline.
"""

from __future__ import annotations

import argparse
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
from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.core.trainer import Trainer  # noqa: E402
from vpg_gui.qt.main_window import MainWindow  # noqa: E402

TICK_MS = 10


def pct(values, q):
    return float(np.percentile(np.asarray(values), q))


def responsiveness(app: QApplication, seconds: float, switch_interval: float | None):
    window = MainWindow(TrainConfig(epochs=0, seed=0))
    if switch_interval:
        sys.setswitchinterval(switch_interval)
    window.show()
    window.render_panel.play_button.click()
    render_ticks: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    window.render_panel.timer.timeout.connect(lambda: render_ticks.append(clock.nsecsElapsed() / 1e9))
    window.train_button.click()
    loop = QEventLoop()
    # Warm-up: torch loads and the first epochs run before measuring.
    poll = QTimer(interval=50, timeout=lambda: len(window.history) >= 2 and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    lateness: list[float] = []
    last = [clock.nsecsElapsed()]

    def on_tick():
        now = clock.nsecsElapsed()
        lateness.append(max(0.0, (now - last[0]) / 1e6 - TICK_MS))
        last[0] = now

    probe = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer, timeout=on_tick)
    start_epoch = len(window.history)
    render_ticks.clear()
    last[0] = clock.nsecsElapsed()
    probe.start()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    probe.stop()
    epochs = window.history[start_epoch:]
    frame_costs = list(window.render_panel.frame_costs)
    window.close()
    return lateness, epochs, render_ticks, frame_costs


def headless_seconds(epochs):
    trainer = Trainer(TrainConfig(epochs=0, seed=0))
    for _ in range(epochs[0].epoch - 1):
        trainer.train_epoch()
    total = sum(trainer.train_epoch().seconds for _ in epochs)
    trainer.close()
    return total


def frame_cost(app: QApplication, n: int = 300):
    from vpg_gui.core.episode import EpisodePlayer
    from vpg_gui.qt.render import FrameView

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
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--switch-interval", type=float, help="override the window's sys.setswitchinterval")
    parser.add_argument("--only-responsiveness", action="store_true")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])

    lateness, epochs, render_ticks, frame_costs = responsiveness(app, args.seconds, args.switch_interval)
    # Headless over the very same epochs (same seed: same batches), twice, to average out drift.
    head_s = (headless_seconds(epochs) + headless_seconds(epochs)) / 2
    if args.only_responsiveness:
        intervals = np.diff(render_ticks) * 1e3
        ratio = sum(s.seconds for s in epochs) / head_s
        print(
            f"lateness p50 {pct(lateness, 50):.2f} p99 {pct(lateness, 99):.2f} worst {max(lateness):.2f} ms; "
            f"{len(lateness)} ticks; render {1000 / np.mean(intervals):.1f}/s; epochs {len(epochs)}, "
            f"window / headless {ratio:.2f}"
        )
        return
    window_s = sum(s.seconds for s in epochs)
    intervals = np.diff(render_ticks) * 1e3
    draw_ms, show_ms = frame_cost(app)
    bare, vpg = startup_seconds(BARE), startup_seconds(VPG)

    print(
        f"1. {args.seconds:g} s training at full speed + plots + episode at 1x; {len(lateness)} ticks of a 10 ms timer:"
    )
    print(f"   lateness p50 {pct(lateness, 50):.2f} ms, p99 {pct(lateness, 99):.2f} ms, worst {max(lateness):.2f} ms")
    steps = sum(s.steps for s in epochs)
    span = f"{epochs[0].epoch}-{epochs[-1].epoch}"
    print(f"2. the window trained epochs {span} ({steps:,} steps) in {window_s:.2f} s of epoch time;")
    print(f"   headless Trainer, same epochs: {head_s:.2f} s; window / headless = {window_s / head_s:.2f}")
    in_band = np.mean(np.abs(intervals - 20.0) <= 2.0) * 100
    rate = 1000 / np.mean(intervals)
    print(f"3. render timer at 1x: {rate:.1f} ticks/s (target 50 +- 5), {in_band:.0f}% of intervals in 20 +- 2 ms")
    print(f"   per frame: convert + show {show_ms:.2f} ms (median), pygame drawing {draw_ms:.2f} ms;")
    print(f"   in the run, draw + convert + show per frame: median {statistics.median(frame_costs) * 1e3:.2f} ms")
    print(f"4. start-up to a visible window: vpg-gui {vpg:.2f} s, bare PySide6 window {bare:.2f} s ({vpg / bare:.1f}x)")


if __name__ == "__main__":
    main()
