"""Keep a view's redraws cheap: the latest snapshot wins, redraws are rate-limited, hidden views wait.

The window hands every snapshot to every view (~30 a second while training). A view that recomputes
a 60x60 output grid or re-lays 2,000 edges each time would slow training, so it passes snapshots to a
``SnapshotThrottle``: ``submit`` only stores the latest ``(snapshot, config)`` (microseconds) and renders
it now if the last render is ``min_interval`` seconds old, else once a single-shot timer fires, so the
final snapshot of a run is always drawn. While the widget is hidden or covered (a tabbed-away dock: Qt
leaves it "visible" under the front tab, so ``isVisible`` alone does not tell) nothing is drawn; showing it
again draws the latest (the widget calls ``flush`` from its ``showEvent``; whoever tabs it to the front, from
``QDockWidget.visibilityChanged``).
"""
from __future__ import annotations

import time

from PySide6 import QtCore, QtWidgets


def on_screen(widget: QtWidgets.QWidget) -> bool:
    """Shown and not covered: a dock tabbed behind another is "visible" to Qt but has no visible region.
    Qt also leaves out of a widget's region what its own opaque children cover, so a widget that a
    child fills exactly (a scroll area's contents as tall as its viewport) counts by its children."""
    if not widget.isVisible():
        return False
    if not widget.visibleRegion().isEmpty():
        return True
    return any(on_screen(child) for child in widget.findChildren(
        QtWidgets.QWidget, options=QtCore.Qt.FindChildOption.FindDirectChildrenOnly))


class SnapshotThrottle:
    def __init__(self, widget: QtWidgets.QWidget, render, min_interval: float):
        """``render(snapshot, config)`` draws; at most one call per ``min_interval`` seconds."""
        self.widget = widget
        self.render = render
        self.min_interval = min_interval
        self.pending = None  # (snapshot, config) not drawn yet
        self.latest = None  # the last (snapshot, config) submitted, drawn or not
        self._last = -1e9
        self._timer = QtCore.QTimer(widget)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self.renders = 0  # count, for tests and benchmarks

    def submit(self, snapshot, config) -> None:
        self.pending = self.latest = (snapshot, config)
        if not self.on_screen():
            return
        wait = self._last + self.min_interval - time.perf_counter()
        if wait <= 0:
            self.flush()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(wait * 1000)))

    def flush(self) -> None:
        """Draw the pending snapshot now (if any and the widget is visible)."""
        if self.pending is None or not self.on_screen():
            return
        snapshot, config = self.pending
        self.pending = None
        self._timer.stop()
        self._last = time.perf_counter()
        self.renders += 1
        self.render(snapshot, config)

    def on_screen(self) -> bool:
        return on_screen(self.widget)

    def redraw(self) -> None:
        """Draw the latest snapshot again now: the user changed a setting of the view and is looking."""
        if self.latest is not None:
            self.pending = self.latest
            self.flush()

    def clear(self) -> None:
        self.pending = self.latest = None
        self._timer.stop()
