"""Changes made by hand during a run, marked on the loss curve: a dashed vertical line at the epoch of each,
labelled with what changed ("w2[1, 3] set to 0.5"; the tooltip says the whole: "... at epoch 40 (loss ...)").
A label sits right of its line, or left of it in the right half of the plot, so it is never cut at the edge."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore

MARK_COLOR = "#C8A2FF"  # apart from the train (orange) and test (blue) curves and the moment marker


class LossMarks:
    """Owns the mark lines on a ``LossPlot``'s plot item; ``show_marks([(epoch, text), ...])``."""

    def __init__(self, loss_plot):
        self.plot_item = loss_plot.plot_item
        self.lines: list[pg.InfiniteLine] = []
        self.n = 0  # marks shown: the first n lines
        self.plot_item.getViewBox().sigXRangeChanged.connect(self._place_labels)

    def show_marks(self, marks) -> None:
        # lines are kept and hidden, never removed: an InfiniteLine taken out of its plot while the scene
        # still indexes it asks for a view box it no longer has (an exception, then a crash, seen in the suite)
        while len(self.lines) < len(marks):
            k = len(self.lines)
            line = pg.InfiniteLine(angle=90, movable=False,
                                   pen=pg.mkPen(MARK_COLOR, width=1, style=QtCore.Qt.PenStyle.DashLine),
                                   label="", labelOpts={"position": 0.92 - 0.08 * (k % 4), "color": MARK_COLOR,
                                                        "anchors": [(0, 0.5), (0, 0.5)]})
            line.setZValue(8)
            self.plot_item.addItem(line, ignoreBounds=True)
            self.lines.append(line)
        for k, line in enumerate(self.lines):
            shown = k < len(marks)
            line.setVisible(shown)
            if shown:
                epoch, text = marks[k]
                line.setPos(float(epoch))
                line.label.setFormat(short(text))
                line.setToolTip(text)
        self.n = len(marks)
        self._place_labels()

    def _place_labels(self, *_ignored) -> None:
        (x0, x1), _ = self.plot_item.getViewBox().viewRange()
        middle = (x0 + x1) / 2
        for line in self.lines[:self.n]:
            side = (1, 0.5) if line.value() > middle else (0, 0.5)  # the label on the side with the room
            if line.label.anchors[0] != side:
                line.label.anchors = [side, side]
                line.label.updatePosition()

    def texts(self) -> list[str]:
        """The marks' whole texts, as given (the labels show their first part, ``short``)."""
        return [line.toolTip() for line in self.lines[:self.n]]

    def labels(self) -> list[str]:
        return [line.label.toPlainText() for line in self.lines[:self.n]]


def short(text: str) -> str:
    """What changed, without when and the loss ("w2[1, 3] set to 0.5" of "... at epoch 40 (loss ...)")."""
    return text.split(" at epoch")[0]
