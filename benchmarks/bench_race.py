"""A 3-lane race in the window on this machine: lateness, each lane's frame rate, the lanes'
summed training throughput against vpg-train's alone, memory, and how fast End race ends them.

    python benchmarks/bench_race.py --repeat 3      # ~4 minutes, offscreen
    python benchmarks/bench_race.py --seconds 20 --lanes 4

1. Baseline, paired: each lane's run trained alone afterwards, one after another, in a training
   process (one core, as vpg-train trains; batch 5000): the same seeds, so the same batches, over
   the same epochs as the race measured, timed by their epochs' own seconds.
2. The race: Run > Race's three lanes (batch 5000, seeds 0-2, lock-step, fastest pace), each
   playing its newest policy, while a 10 ms QTimer in the window's thread records how late each
   tick is; each lane's frames a second (a finished episode's held frame counts); the lanes'
   summed steps a second over the epochs that ended while measuring.
   Targets (issue 26): lateness p99 <= 15 ms, worst <= 50 ms, each lane >= 45 frames a second,
   summed throughput >= 0.7 x the baseline x the cores. Beside it, the same lanes raced without
   the window (as vpg-train --race): what the machine gives parallel training at all.
3. Memory: the window process's resident size at each quarter of the measured seconds (each
   lane keeps its policies within 32 MB and its batch records for 10 epochs: it levels off).
4. End race: from the click until every lane's process has ended (target: within a second).
"""

from __future__ import annotations

import argparse
import collections
import gc
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
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.lateness import LatenessProbe  # noqa: E402
from vpg_gui.algo.race import Race  # noqa: E402
from vpg_gui.algo.remote import TrainerProcess, start_server  # noqa: E402
from vpg_gui.config import TrainConfig  # noqa: E402
from vpg_gui.qt.app import prepare_process  # noqa: E402
from vpg_gui.qt.main_window import MainWindow  # noqa: E402
from vpg_gui.qt.views.race_view import RaceLane  # noqa: E402

BATCH = 5000


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def alone(seeds: range, first: int, last: int) -> float:
    """Steps a second of each lane's run trained alone, one after another, in a training process
    (one core, as vpg-train trains): the same seeds, so the same batches as the race's epochs
    ``first``..``last``, timed by their epochs' own seconds."""
    steps = seconds = 0.0
    for seed in seeds:
        with TrainerProcess() as remote:
            remote.new_run(TrainConfig(batch_steps=BATCH, epochs=0, seed=seed), record=False)
            stats = [remote.train_epoch() for _ in range(last)][first - 1 :]
        steps += sum(s.steps for s in stats)
        seconds += sum(s.seconds for s in stats)
    return steps / seconds


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
    gc.freeze()  # as vpg-gui does once the window is up
    frames = collections.Counter()  # lane -> frames played (a finished episode's held frame counts: it is on screen)
    tick = RaceLane.tick

    def counted(lane):
        frames[lane.index] += 1
        tick(lane)

    RaceLane.tick = counted
    before = set(_descendants())  # the fork server outlives the race
    window.race.start([TrainConfig(batch_steps=BATCH, epochs=0, seed=s) for s in range(lanes)])
    model = window.workspace.race
    wait(app, lambda: min(lane.epoch for lane in model.lanes) >= 2)  # torch loaded, first policies playing
    views = list(range(len(model.lanes)))
    first = min(lane.epoch for lane in model.lanes) + 1  # lock-step: they finish an epoch together
    steps_before = [sum(s.steps for s in lane.run.history[: first - 1]) for lane in model.lanes]
    frames_before = [frames[v] for v in views]
    cpu_before = time.process_time()
    rss_before = rss_mb()
    probe = LatenessProbe()
    start = time.perf_counter()
    probe.start()
    loop = QEventLoop()
    memory = []  # the window process's resident size at each quarter of the measured time
    sampler = QTimer(interval=round(seconds * 250), timeout=lambda: memory.append(rss_mb()))
    sampler.start()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()
    sampler.stop()
    probe.stop()
    elapsed = time.perf_counter() - start  # the throughput: the lanes' epochs first..last that ended in it
    last = min(lane.epoch for lane in model.lanes)
    steps = sum(sum(s.steps for s in lane.run.history[:last]) for lane in model.lanes) - sum(steps_before)
    fps = [(frames[v] - b) / elapsed for v, b in zip(views, frames_before, strict=True)]
    cpu = (time.process_time() - cpu_before) / elapsed
    rss_after = rss_mb()
    epochs = [lane.epoch for lane in model.lanes]
    pids = set(_descendants()) - before  # the lanes' processes
    ended = time.perf_counter()
    window.findChild(type(window.race.view.end), "raceEndButton").click()
    wait(app, lambda: window.workspace.race is None and not (pids & set(_descendants())), 10)
    end_s = time.perf_counter() - ended
    window.close()
    RaceLane.tick = tick
    return {
        "lateness": probe.late,
        "fps": fps,
        "steps_per_s": steps / elapsed,
        "rss": (rss_before, *memory[:3], rss_after),
        "epochs": epochs,
        "end_s": end_s,
        "lane_pids": len(pids),
        "cpu": cpu,
        "epochs_measured": (first, last),
    }


def _descendants() -> list[int]:
    """This process's descendants that still run (the fork server's children, the lanes, among
    them), zombies aside."""
    parents, states = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        states[int(stat.parent.name)], parents[int(stat.parent.name)] = fields[0], int(fields[1])
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return [pid for pid in found if states[pid] != "Z"]


def headless(lanes: int, first: int, last: int) -> float:
    """Steps a second of the same lanes raced without the window (algo/race.py, as vpg-train
    --race does), over the same epochs: what this machine gives parallel training at all."""
    race = Race([TrainConfig(batch_steps=BATCH, epochs=last, seed=s) for s in range(lanes)], record=False)
    try:
        steps, start = 0, None
        while not race.idle:
            for _, stats in race.advance():
                if stats.epoch == first - 1 and start is None and all(lane.epoch >= first - 1 for lane in race.lanes):
                    start = time.perf_counter()
                if stats.epoch >= first and start is not None:
                    steps += stats.steps
        return steps / (time.perf_counter() - start)
    finally:
        race.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--lanes", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    start_server()  # before the race counts its processes: the fork server outlives it
    cores = len(os.sched_getaffinity(0))
    for run in range(1, args.repeat + 1):
        print(f"--- run {run} of {args.repeat}")
        report(app, args, cores)


def report(app: QApplication, args, cores: int) -> None:
    result = race(app, args.lanes, args.seconds)
    first, last = result["epochs_measured"]
    alone_sps = alone(range(args.lanes), first, last)
    bare = headless(args.lanes, first, last)
    late = np.asarray(result["lateness"])
    print(
        f"1. each lane's epochs {first}-{last} trained alone (batch {BATCH}, one core, as vpg-train): "
        f"{alone_sps:,.0f} steps/s; x {cores} cores = {alone_sps * cores:,.0f}"
    )
    print(
        f"2. {args.lanes} lanes for {args.seconds:g} s (epochs {result['epochs']}): lateness p50 "
        f"{np.percentile(late, 50):.2f} ms, p99 {np.percentile(late, 99):.2f} ms, worst {late.max():.1f} ms "
        f"(targets 15 / 50)"
    )
    print(f"   the window process (its thread and the race job's) used {result['cpu']:.2f} of a core")
    print(f"   frames a second per lane: {', '.join(f'{f:.1f}' for f in result['fps'])} (target >= 45)")
    ratio = result["steps_per_s"] / (alone_sps * cores)
    print(f"   summed throughput {result['steps_per_s']:,.0f} steps/s = {ratio:.2f} x alone x cores (target >= 0.7)")
    print(
        f"   the same lanes raced without the window (vpg-train --race's way): {bare:,.0f} steps/s = "
        f"{bare / (alone_sps * cores):.2f} x alone x cores (what this machine gives parallel training)"
    )
    sizes = result["rss"]
    print(
        f"3. window process memory at 0, 1/4, 1/2, 3/4 and all of the time: {', '.join(f'{m:.0f}' for m in sizes)} MB "
        f"({sizes[-1] - sizes[0]:+.1f} MB; from the first quarter on {sizes[-1] - sizes[1]:+.1f} MB)"
    )
    print(
        f"4. End race: all {result['lane_pids']} lane processes ended {result['end_s'] * 1000:.0f} ms after "
        "the click (target 1000)"
    )


if __name__ == "__main__":
    main()
