"""Paces the window's drawing by what drawing costs.

The window shares the GIL with the training thread: every millisecond the GUI thread spends in Python (the
plots paint in Python) is a millisecond the trainer does not train. So frames are not drawn at a fixed rate:
the clock watches the GUI thread's own CPU time and stretches the frame interval until the whole thread stays
within a budget (``cpu_budget`` of each second), between ``max_fps`` and ``min_fps``. A tiny network's cheap
frames run at the full rate; a 512-wide grid or a million-point curve slows to what the machine affords.
"""
from __future__ import annotations

import math
import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

ADAPT_SECONDS = 0.5  # how much history one adjustment looks at


class FrameClock(QObject):
    """Calls ``draw()`` at most once per frame interval, and always once more after the last ``request()``
    (so the final state is drawn). ``draw()`` returns True if something was left for a later frame.
    ``interval_changed(seconds)`` when the interval has moved by a tenth or more since it was last said."""

    interval_changed = Signal(float)

    def __init__(self, draw: Callable[[], bool], max_fps: float = 20, min_fps: float = 2,
                 cpu_budget: float = 0.12, parent=None):
        super().__init__(parent)
        self._draw = draw
        self._min, self._max = 1.0 / max_fps, 1.0 / min_fps
        self._budget = cpu_budget
        self._interval = self._said = self._min
        self._last = -1e9
        self._mark = (time.monotonic(), time.thread_time())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def interval(self) -> float:
        """Seconds between frames, as adapted so far."""
        return self._interval

    def request(self, urgent: bool = False) -> None:
        """A frame is wanted; ``urgent``: at once, not paced (the user moved something and is looking at it)."""
        if urgent:
            self._timer.start(0)
        elif not self._timer.isActive():
            wait = self._last + self._interval - time.monotonic()
            self._timer.start(max(0, int(wait * 1000)))

    def cancel(self) -> None:
        self._timer.stop()

    def _fire(self) -> None:
        now = time.monotonic()
        self._last = now
        more = self._draw()
        self._adapt(now)
        if more:
            self._timer.start(int(self._interval * 1000))

    def _adapt(self, now: float) -> None:
        t0, c0 = self._mark
        if now - t0 < ADAPT_SECONDS:
            return
        cpu = time.thread_time()
        share = (cpu - c0) / (now - t0)
        self._mark = (now, cpu)
        # the thread's share grows with the frame rate: the interval that would meet the budget is
        # interval * share / budget; go halfway there (in log terms) so one busy moment does not swing it
        wanted = self._interval * max(share, 1e-3) / self._budget
        self._interval = min(max(math.sqrt(self._interval * wanted), self._min), self._max)
        if abs(self._interval - self._said) >= 0.1 * self._said:
            self._said = self._interval
            self.interval_changed.emit(self._interval)
