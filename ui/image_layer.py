"""Many small RGB images drawn by one scene item, as the network graph draws a map on every unit.

A pyqtgraph ``ImageItem`` per image costs, on every repaint, its own ``paint`` in Python and its own colour
pipeline (levels, lookup table, a new QImage): on spiral's graph (about 100 maps) that made one repaint of the
graph 5 ms slower, at a few repaints a second while the training thread waits for the GIL. Here the images come
as a few sheets (uint8 arrays in which several images are stacked, already coloured), each wrapped in one
QImage, and one ``paint`` copies each image from its sheet to its place with ``QPainter.drawImage``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui


class ImageLayer(pg.GraphicsObject):
    """``set_images(sheets, places)``: ``sheets`` a list of (H, W, 3) uint8 arrays; ``places`` a list of
    (sheet index, source ``QRectF`` in that sheet's pixels, target ``QRectF`` in the item's coordinates, which
    are the plot's view coordinates once it is added to a plot). Row 0 of a source rect is drawn at the
    target's smallest y, as a pyqtgraph ``ImageItem`` with ``axisOrder="row-major"`` draws its image."""

    def __init__(self):
        super().__init__()
        self.sheets: list[np.ndarray] = []
        self.places: list[tuple[int, QtCore.QRectF, QtCore.QRectF]] = []
        self._qimages: list[QtGui.QImage | None] = []
        self._bounds = QtCore.QRectF()

    def set_images(self, sheets, places) -> None:
        self.prepareGeometryChange()
        # the QImages read the arrays' memory: the arrays are kept for as long as the QImages are
        self.sheets = [np.ascontiguousarray(s, dtype=np.uint8) for s in sheets]
        self._qimages = [QtGui.QImage(s.data, s.shape[1], s.shape[0], s.strides[0], QtGui.QImage.Format.Format_RGB888)
                         if s.size else None for s in self.sheets]
        self.places = [(k, src, dst) for k, src, dst in places if self._qimages[k] is not None]
        bounds = QtCore.QRectF()
        for _, _, dst in self.places:
            bounds = bounds.united(dst)
        self._bounds = bounds
        self.update()

    def clear(self) -> None:
        self.set_images([], [])

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        images = self._qimages
        for k, src, dst in self.places:
            painter.drawImage(dst, images[k], src)
