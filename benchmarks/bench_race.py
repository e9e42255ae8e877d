"""A 3-lane race in the window on this machine: lateness, each lane's frame rate, the lanes'
summed training throughput against vpg-train's alone, memory, and how fast End race ends them.

    python benchmarks/bench_race.py                 # ~1 minute, offscreen
    python benchmarks/bench_race.py --seconds 20 --lanes 3

1. Baseline: one run trained alone in a training process (as vpg-train trains, batch 5000):
   its steps a second, over the epochs after two warm-up ones.
2. The race: Run > Race's three lanes (batch 5000, seeds 0-2, lock-step, fastest pace), each
   playing its newest policy, while a 10 ms QTimer in the window's thread records how late each
   tick is; each lane's frames a second; the lanes' summed steps a second over the same time.
   Targets (issue 26): lateness p99 <= 15 ms, worst <= 50 ms, each lane >= 45 frames a second,
   summed throughput >= 0.7 x the baseline x the cores.
3. Memory: the window process's resident size before and after the measured seconds.
4. End race: from the click until every lane's process has ended (target: within a second).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
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

from vpg_gui.algo.remote import TrainerProcess  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.qt.app import prepare_process  # noqa: E402
from vpg_gui.qt.main_window import MainWindow  # noqa: E402
from vpg_gui.qt.views.render import FrameView  # noqa: E402

TICK_MS = 10
BATCH = 5000


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def baseline(epochs: int) -> float:
    """Steps a second of one run trained alone in a training process, after two warm-up epochs."""
    with TrainerProcess() as remote:
        remote.new_run(TrainConfig(batch_steps=BATCH, epochs=0, seed=0), record=False)
        stats = [remote.train_epoch() for _ in range(epochs + 2)][2:]
    return sum(s.steps for s in stats) / sum(s.seconds for s in stats)


def wait(app: QApplication, condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        app.processEvents()
        time.sleep(0.005)


def race(app: QApplication, lanes: int, seconds: float) -> dict:
    prepare_process()
    window = MainWindow(TrainConfig(epochs=0, seed=0), offer_restore=False)
    window.show()
    frames = collections.Counter()  # FrameView -> frames shown
    show = FrameView.show_frame

    def counted(view, frame, text):
        frames[id(view)] += 1
        show(view, frame, text)

    FrameView.show_frame = counted
    window.race.start([TrainConfig(batch_steps=BATCH, epochs=0, seed=s) for s in range(lanes)])
    model = window.workspace.race
    wait(app, lambda: min(lane.epoch for lane in model.lanes) >= 2)  # torch loaded, first policies playing
    views = [lane.view for lane in window.race.view.lanes]
    clock = QElapsedTimer()
    clock.start()
    lateness: list[float] = []
    last = [clock.nsecsElapsed()]

    def on_tick():
        now = clock.nsecsElapsed()
        lateness.append(max(0.0, (now - last[0]) / 1e6 - TICK_MS))
        last[0] = now

    steps_before = [sum(s.steps for s in lane.run.history) for lane in model.lanes]
    frames_before = [frames[id(v)] for v in views]
    rss_before = rss_mb()
    probe = QTimer(interval=TICK_MS, timerType=Qt.TimerType.PreciseTimer, timeout=on_tick)
    start = time.perf_counter()
    probe.start()
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    probe.stop()
    elapsed = time.perf_counter() - start
    steps = sum(sum(s.steps for s in lane.run.history) - b for lane, b in zip(model.lanes, steps_before, strict=True))
    fps = [(frames[id(v)] - b) / elapsed for v, b in zip(views, frames_before, strict=True)]
    rss_after = rss_mb()
    epochs = [lane.epoch for lane in model.lanes]
    pids = set(_children())
    ended = time.perf_counter()
    window.findChild(type(window.race.view.end), "raceEndButton").click()
    wait(app, lambda: window.workspace.race is None and not (pids & set(_children())), 10)
    end_s = time.perf_counter() - ended
    window.close()
    FrameView.show_frame = show
    return {
        "lateness": lateness,
        "fps": fps,
        "steps_per_s": steps / elapsed,
        "rss": (rss_before, rss_after),
        "epochs": epochs,
        "end_s": end_s,
    }


def _children() -> list[int]:
    """This process's children that still run (the lanes' processes among them), zombies aside."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--lanes", type=int, default=3)
    parser.add_argument("--baseline-epochs", type=int, default=20)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    alone = baseline(args.baseline_epochs)
    result = race(app, args.lanes, args.seconds)
    cores = len(os.sched_getaffinity(0))
    late = np.asarray(result["lateness"])
    print(f"1. vpg-train alone (batch {BATCH}): {alone:,.0f} steps/s; x {cores} cores = {alone * cores:,.0f}")
    print(
        f"2. {args.lanes} lanes for {args.seconds:g} s (epochs {result['epochs']}): lateness p50 "
        f"{np.percentile(late, 50):.2f} ms, p99 {np.percentile(late, 99):.2f} ms, worst {late.max():.1f} ms "
        f"(targets 15 / 50)"
    )
    print(f"   frames a second per lane: {', '.join(f'{f:.1f}' for f in result['fps'])} (target >= 45)")
    ratio = result["steps_per_s"] / (alone * cores)
    print(f"   summed throughput {result['steps_per_s']:,.0f} steps/s = {ratio:.2f} x alone x cores (target >= 0.7)")
    before, after = result["rss"]
    print(f"3. window process memory: {before:.0f} MB -> {after:.0f} MB ({after - before:+.1f} MB)")
    print(f"4. End race: every lane's process ended {result['end_s'] * 1000:.0f} ms after the click (target 1000)")


if __name__ == "__main__":
    main()
