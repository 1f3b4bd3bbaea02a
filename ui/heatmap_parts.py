"""The painted pieces around one heatmap (ui/heatmap_panel.py): its title, the row and column indices,
and the colour bar under it.

Each is a small QGraphicsWidget that paints itself, because pyqtgraph's AxisItem, LabelItem and
ColorBarItem (a whole PlotItem) are built from rich-text items that cost ~15 ms per matrix to make
and lay out: a preset switch built a dozen of them and stalled the window for a quarter second.

They change far less often than the matrices beside them, which are redrawn every frame while training, and a
repaint of the grid repaints everything in the region it covers: so each keeps its drawing in a pixmap
(``DeviceCoordinateCache``) that Qt copies, and paints again only after its own ``update()`` or a resize.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme

ALIGN = QtCore.Qt.AlignmentFlag


def small_font(points: float = 8.0) -> QtGui.QFont:
    font = QtGui.QFont()
    font.setPointSizeF(points)
    return font


_PEN = []
CACHED = QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache


def _text_pen() -> QtGui.QPen:
    if not _PEN:
        _PEN.append(pg.mkPen(pg.getConfigOption("foreground")))  # as pyqtgraph's own axes write
    return _PEN[0]


def index_step(n_cells: int, length_px: float, label_px: float) -> int:
    """The smallest 1, 2 or 5 x 10^k cells between labelled indices that leaves label_px per label."""
    needed = max(n_cells * label_px / max(length_px, 1.0), 1.0)
    return next(k * 10**e for e in range(12) for k in (1, 2, 5) if k * 10**e >= needed)


class Title(pg.GraphicsWidget):
    """One line of text; its minimum width is the text's, so a narrow grid scrolls sideways rather
    than clip a title."""

    def __init__(self, height_px: int, parent=None):
        super().__init__(parent)
        self.setCacheMode(CACHED)
        self.text = ""
        self.font = small_font(9.0)
        self._metrics = QtGui.QFontMetricsF(self.font)
        self.setFixedHeight(height_px)

    def setText(self, text: str) -> None:
        self.text = text
        self.setMinimumWidth(math.ceil(self._metrics.horizontalAdvance(text)) + 2)
        self.update()

    def paint(self, p, *args):
        p.setFont(self.font)
        p.setPen(_text_pen())
        p.drawText(QtCore.QRectF(0, 0, self.size().width(), self.size().height()), ALIGN.AlignCenter, self.text)


class IndexRuler(pg.GraphicsWidget):
    """Cell indices beside ("left") or under ("bottom") a matrix's ViewBox, on whole cells only and no
    closer than LABEL_PX, in the same layout row or column as the ViewBox so they share its length."""

    LABEL_PX = {"left": 13, "bottom": 20}

    def __init__(self, orientation: str, vb: pg.ViewBox, thickness_px: int, parent=None):
        super().__init__(parent)
        self.setCacheMode(CACHED)
        self.orientation, self.vb = orientation, vb
        self.font = small_font()
        self._metrics = QtGui.QFontMetricsF(self.font)
        self.n_cells = 0
        if orientation == "bottom":
            self.setFixedHeight(thickness_px)
        vb.sigRangeChanged.connect(lambda *_: self.update())

    def set_cells(self, n_cells: int) -> None:
        self.n_cells = n_cells
        if self.orientation == "left":  # as wide as the widest index
            self.setFixedWidth(math.ceil(self._metrics.horizontalAdvance(str(max(n_cells - 1, 0)))) + 4)
        self.update()

    def labels(self) -> list[tuple[float, str]]:
        """(position in px along the ruler, text) of each index drawn."""
        length = self.size().width() if self.orientation == "bottom" else self.size().height()
        if self.n_cells <= 0 or length <= 0:
            return []
        step = index_step(self.n_cells, length, self.LABEL_PX[self.orientation])
        lo, hi = self.vb.viewRange()[0 if self.orientation == "bottom" else 1]
        scale = length / max(hi - lo, 1e-12)
        return [((k - lo) * scale, str(k)) for k in range(0, self.n_cells, step)]

    def paint(self, p, *args):
        p.setFont(self.font)
        p.setPen(_text_pen())
        w, h = self.size().width(), self.size().height()
        half = self.LABEL_PX[self.orientation] / 2
        for pos, text in self.labels():
            if self.orientation == "bottom":
                p.drawText(QtCore.QRectF(pos - 2 * half, 0, 4 * half, h), ALIGN.AlignHCenter | ALIGN.AlignTop, text)
            else:
                p.drawText(QtCore.QRectF(0, pos - half, w - 3, 2 * half), ALIGN.AlignRight | ALIGN.AlignVCenter, text)


_BRUSH = []


def _strip_brush() -> QtGui.QBrush:
    """The diverging map left to right across whatever rectangle it fills (built once: ~0.5 ms)."""
    if not _BRUSH:
        gradient = theme.diverging_colormap().getGradient(QtCore.QPointF(0, 0), QtCore.QPointF(1, 0))
        gradient.setCoordinateMode(QtGui.QGradient.CoordinateMode.ObjectBoundingMode)
        _BRUSH.append(QtGui.QBrush(gradient))
    return _BRUSH[0]


class ColourBar(pg.GraphicsWidget):
    """The colour scale under a matrix: a strip of the diverging map from -m (left) to m (right),
    as wide as the matrix, labelled "-m", "0", "m" below it, or "±m" where three labels do not fit.

    Horizontal and under the image, so a row of four matrices spends its width on cells, not on
    four vertical bars with their labels (at 1024x768 those took two thirds of the grid's width)."""

    STRIP_PX = 5
    HEIGHT = STRIP_PX + 11  # the label's cap height and descent in 8 pt
    GAP_PX = 6  # between labels

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setCacheMode(CACHED)
        self.m = 1.0
        self.font = small_font()
        self._metrics = QtGui.QFontMetricsF(self.font)
        self.setFixedHeight(self.HEIGHT)
        self.setMinimumWidth(math.ceil(self._metrics.horizontalAdvance("±0.0005")))  # the widest one label

    def setLevels(self, levels) -> None:  # (pyqtgraph's ColorBarItem's name)
        self.m = float(levels[1])
        self.update()

    def levels(self) -> tuple[float, float]:
        return -self.m, self.m

    def labels(self) -> list[str]:
        """The label texts drawn at the current width, left to right."""
        m = self.m
        three = [f"{-m:.3g}", "0", f"{m:.3g}"]
        need = sum(self._metrics.horizontalAdvance(t) for t in three) + 2 * self.GAP_PX
        return three if need <= self.size().width() else [f"±{m:.3g}"]

    def paint(self, p, *args):
        w = self.size().width()
        if w <= 0:
            return
        p.fillRect(QtCore.QRectF(0, 0, w, self.STRIP_PX), _strip_brush())
        p.setFont(self.font)
        p.setPen(_text_pen())
        text_rect = QtCore.QRectF(0, self.STRIP_PX, w, self.HEIGHT - self.STRIP_PX)
        labels = self.labels()
        if len(labels) == 1:
            p.drawText(text_rect, ALIGN.AlignHCenter | ALIGN.AlignTop, labels[0])
            return
        for text, align in zip(labels, (ALIGN.AlignLeft, ALIGN.AlignHCenter, ALIGN.AlignRight)):
            p.drawText(text_rect, align | ALIGN.AlignTop, text)
