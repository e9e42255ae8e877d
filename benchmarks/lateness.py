"""The window's responsiveness, as the benchmarks measure it: a 10 ms QTimer in the window's
thread records how late each tick comes (0 when on time).

    probe = LatenessProbe()
    probe.start()
    ...                          # run the event loop
    probe.stop()
    probe.late                   # ms late, tick by tick; probe.ticks has (seconds since start, ms late)
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer

TICK_MS = 10


class LatenessProbe:
    def __init__(self, tick_ms: int = TICK_MS):
        self.tick_ms = tick_ms
        self.clock = QElapsedTimer()
        self.ticks: list[tuple[float, float]] = []
        self._last = 0
        self.timer = QTimer(interval=tick_ms, timerType=Qt.TimerType.PreciseTimer, timeout=self._tick)

    def start(self) -> None:
        self.clock.start()
        self._last = 0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def late(self) -> list[float]:
        return [ms for _, ms in self.ticks]

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.ticks.append((now / 1e9, max(0.0, (now - self._last) / 1e6 - self.tick_ms)))
        self._last = now
