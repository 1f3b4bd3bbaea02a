"""Python's cycle collector runs on the GUI thread only, once a thread of ours runs beside the window.

The collector runs in whichever thread allocates when a generation's count passes its threshold. The training
thread allocates (snapshots, unit maps), and the garbage it would then collect includes the windows, plot items
and widgets that a closed window, a preset switch or a rebuilt heatmap grid left in reference cycles. Their Qt
destructors would run on the training thread, while the GUI thread paints the same scene: a crash in a paint,
or a deadlock (the training thread holding the GIL inside a destructor waiting for a Qt lock, the GUI thread
holding that lock and waiting for the GIL). Both were seen in whole-suite runs.

So automatic collection is switched off and a timer on the GUI thread collects instead, generation by
generation, with the thresholds Python would have used (pyqtgraph's ``GarbageCollector``, which exists for this
very reason). Reference counting is untouched: only cycles wait for the timer.
"""
from __future__ import annotations

import gc
import threading

INTERVAL_S = 0.5  # between two checks: cycles wait at most this long to be collected

_collector = None


def collect_on_gui_thread() -> bool:
    """Install the GUI-thread collector once, from the GUI thread (idempotent). False where it cannot be: not
    on the main thread, or no Qt application yet (a headless run: no Qt objects to protect)."""
    global _collector
    if _collector is not None:
        return True
    from PySide6.QtCore import QCoreApplication
    if threading.current_thread() is not threading.main_thread() or QCoreApplication.instance() is None:
        return False
    from pyqtgraph.util.garbage_collector import GarbageCollector
    _collector = GarbageCollector(interval=INTERVAL_S)  # gc.disable(), and its timer collects
    return True


def installed() -> bool:
    """Whether collection happens on the GUI thread's timer (and automatic collection is off)."""
    return _collector is not None and not gc.isenabled() and _collector.timer.isActive()
