"""What a plot shows while it has nothing to plot (before training, after a reset): "no data yet" in the
middle of its view, over fixed axes that read sensibly, instead of whatever the last data or
pyqtgraph's defaults left there ("epoch (x0.001) -400...400", a stale loss range).

One EmptyState per plot: ``show(True)`` when its data go, ``show(False)`` once there is something to draw.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

TEXT = "no data yet"
TEXT_COLOR = "#9a9a9a"


class EmptyState:
    """A centred note in plot_item's ViewBox and the ranges the axes show while it is up.

    x_range, y_range: view coordinates (log10 values on a log axis). auto_range: hand the view back to
    pyqtgraph's auto-range when data come (False for a plot that sets its own ranges)."""

    def __init__(self, plot_item: pg.PlotItem, x_range=(0.0, 10.0), y_range=(0.0, 1.0), text: str = TEXT,
                 auto_range: bool = True):
        self.plot_item = plot_item
        self.auto_range = auto_range
        self.x_range, self.y_range = x_range, y_range
        vb = plot_item.getViewBox()
        # a child of the ViewBox itself, not of its data: placed in pixels, unaffected by the ranges
        self.label = QtWidgets.QGraphicsSimpleTextItem(text, vb)
        self.label.setBrush(QtGui.QBrush(QtGui.QColor(TEXT_COLOR)))
        font = QtGui.QFont()
        font.setPointSizeF(11.0)
        self.label.setFont(font)
        self.label.setZValue(50)
        vb.sigResized.connect(self._centre)
        self.empty = False
        self.label.setVisible(False)

    def show(self, empty: bool, y_range=None) -> None:
        """empty: nothing to plot; y_range replaces the empty view's y range (a log/linear switch)."""
        if y_range is not None:
            self.y_range = y_range
        self.empty = bool(empty)
        self.label.setVisible(self.empty)
        vb = self.plot_item.getViewBox()
        if self.empty:
            vb.setRange(xRange=self.x_range, yRange=self.y_range, padding=0.0)  # (auto-range off)
            self._centre()
        elif self.auto_range:
            vb.enableAutoRange()

    def text(self) -> str:
        """What the plot says now: the note while empty, else ''."""
        return self.label.text() if self.empty else ""

    def _centre(self, *_):
        vb = self.plot_item.getViewBox()
        box, size = self.label.boundingRect(), vb.size()
        self.label.setPos((size.width() - box.width()) / 2, (size.height() - box.height()) / 2)
