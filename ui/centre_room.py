"""The main window's centre (the loss plot, the timeline, the heatmaps) keeps room when the window shrinks.

Qt gives a narrower window's loss to the central widget and leaves the docks their widths: a layout restored
from a 1280 px screen on a 1024 px one, or a window made narrower, left the timeline's slider 15-40 px wide and
the loss readouts cut ("train 0.0..."). ``CentreRoom`` watches the window's size and, when the centre is under
``min_px``, narrows the docks beside it, the right column first, then the Settings dock, never below their own
minimum widths.
"""
from __future__ import annotations

from PySide6 import QtCore, QtWidgets

Qt = QtCore.Qt


class CentreRoom(QtCore.QObject):
    """A child of the window it keeps room in; it holds no reference to it (the window is its parent), so a closed
    window is freed as before."""

    def __init__(self, window: QtWidgets.QMainWindow, min_px: int):
        super().__init__(window)
        self.min_px = int(min_px)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fit)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QtCore.QEvent.Type.Resize, QtCore.QEvent.Type.Show) and "_timer" in self.__dict__:
            self._timer.start(0)  # once the layout has given the docks and the centre their new widths
        return False

    def _docks(self, w: QtWidgets.QMainWindow) -> list[QtWidgets.QDockWidget]:
        """The docked, shown docks beside the centre that may give way, in that order: one per side (a side's
        tabified docks share its width), the right first."""
        docks = [d for d in w.findChildren(QtWidgets.QDockWidget) if d.isVisible() and not d.isFloating()]
        out = []
        for area in (Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea):
            side = [d for d in docks if w.dockWidgetArea(d) == area]
            if side:
                out.append(max(side, key=lambda d: d.width()))
        return out

    def fit(self) -> None:
        window = self.parent()
        centre = window.centralWidget() if isinstance(window, QtWidgets.QMainWindow) else None
        if centre is None or not window.isVisible():
            return
        short = self.min_px - centre.width()
        for dock in self._docks(window):
            if short <= 0:
                break
            spare = dock.width() - max(dock.minimumSizeHint().width(), dock.minimumWidth())
            take = min(spare, short)
            if take > 0:
                window.resizeDocks([dock], [dock.width() - take], Qt.Orientation.Horizontal)
                short -= take
