"""Unit maps on the network graph: on every unit drawn, a small image of its activation over the input plane
(the frame's ``unit_maps``, computed by the training thread), and an enlarged one while the mouse is on it.

Maps are squares MAP_PX wide at most, as wide as the gap between units allows. When the drawn units are too
close for maps of MIN_MAP_PX, every k-th drawn unit of a column gets its map and a note says so.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from engine.unit_maps import PLANE_RESOLUTION
from ui.unit_map_images import unit_images

MAP_PX = 40
MIN_MAP_PX = 16
HOVER_PX = 150
COLUMN_SHARE = 0.45  # of the distance between two columns a map may take


def ordinal(n: int) -> str:
    return f"{n}{'nd' if n == 2 else 'rd' if n == 3 else 'th'}"


class GraphUnitMaps:
    """Owns the map images on ``graph.plot``; ``draw(frame)`` after each graph render, ``hover(column, unit)``."""

    def __init__(self, graph):
        self.graph = graph
        self.plot = graph.plot
        self.items: list[pg.ImageItem] = []
        self.placed: list[tuple[int, int]] = []  # (column, unit) of each shown item
        self.every = 1  # every k-th drawn unit has a map
        self.note = pg.TextItem("", color="#BBBBBB", anchor=(0, 1))
        self.note.setPos(-0.3, -0.75)  # the bottom left corner, under the lowest units
        self.plot.addItem(self.note)
        self.big = pg.ImageItem(axisOrder="row-major")
        self.big.setZValue(30)
        self.big.setVisible(False)
        self.plot.addItem(self.big)
        self.images: list[np.ndarray] = []  # per column: the last frame's maps (n_k, G)
        self._acts: list = []  # per column: the activation name (None for the inputs)
        self.hovered = None
        self.plot.getViewBox().sigResized.connect(self._place)

    def clear(self) -> None:
        for item in self.items:
            item.setVisible(False)
        self.placed, self.images = [], []
        self.big.setVisible(False)
        self.note.setText("")

    def draw(self, frame) -> None:
        maps = getattr(frame, "unit_maps", None)
        res = PLANE_RESOLUTION
        if maps is None or maps[0].shape[1] != res * res or tuple(m.shape[0] for m in maps) != tuple(frame.sizes):
            self.clear()
            return
        self._acts = [None] + [spec.partition(":")[0] for spec in frame.activations]
        self.images = maps  # coloured when placed: only the units that get a map cost a colouring
        self._place()
        if self.hovered is not None:
            self.hover(*self.hovered)

    def map_px(self) -> float:
        """The side of a map in pixels for the current layout (before thinning to every k-th unit)."""
        g = self.graph
        sx, sy = self.plot.getViewBox().viewPixelSize()
        tallest = max((len(s) for s in g._shown), default=1)
        pitch = (1.0 / max(tallest - 1, 1)) / sy if tallest > 1 else MAP_PX
        return min(MAP_PX, 0.85 * pitch, COLUMN_SHARE / sx)

    def _place(self) -> None:
        g = self.graph
        if not self.images or len(self.images) != len(g._shown):
            return
        sx, sy = self.plot.getViewBox().viewPixelSize()
        side = self.map_px()
        self.every = 1 if side >= MIN_MAP_PX else math.ceil(MIN_MAP_PX / max(side, 1e-6))
        side = max(side, MIN_MAP_PX) if self.every > 1 else side
        side = min(side, COLUMN_SHARE / sx)
        want = [(k, int(u), float(y)) for k, (units, ys) in enumerate(zip(g._shown, g._ypos))
                for u, y in list(zip(units, ys))[::self.every]]
        while len(self.items) < len(want):
            item = pg.ImageItem(axisOrder="row-major")
            item.setZValue(5)  # above the edges and the nodes' fill, below the selection outline
            self.plot.addItem(item)
            self.items.append(item)
        w, h = side * sx, side * sy
        rgb = {k: dict(zip(units, unit_images(self.images[k][units], self._acts[k], PLANE_RESOLUTION)))
               for k, units in ((k, [u for kk, u, _ in want if kk == k]) for k in range(len(self.images)))}
        for item, (k, u, y) in zip(self.items, want):
            item.setImage(rgb[k][u], autoLevels=False, levels=(0, 255))
            item.setRect(QtCore.QRectF(k - w / 2, y - h / 2, w, h))
            item.setVisible(True)
        for item in self.items[len(want):]:
            item.setVisible(False)
        self.placed = [(k, u) for k, u, _ in want]
        self.note.setText("" if self.every == 1 else
                          f"maps on every {ordinal(self.every)} unit (too many to read them all)")

    def hover(self, column: int | None = None, unit: int | None = None) -> None:
        """Enlarge the map of ``unit`` of ``column`` beside it, inside the view; None hides the enlarged map."""
        self.hovered = None if column is None else (column, unit)
        if column is None or column >= len(self.images) or unit >= len(self.images[column]):
            self.big.setVisible(False)
            return
        p = self.graph.node_position(column, unit)
        if p is None:
            self.big.setVisible(False)
            return
        self.big.setImage(unit_images(self.images[column][unit:unit + 1], self._acts[column], PLANE_RESOLUTION)[0],
                          autoLevels=False, levels=(0, 255))
        self.big.setRect(hover_rect(p, self.plot.getViewBox().viewRange(), self.plot.getViewBox().viewPixelSize()))
        self.big.setVisible(True)


def hover_rect(p: tuple[float, float], view_range, pixel_size) -> QtCore.QRectF:
    """Where the enlarged map of the unit at ``p`` (view coordinates) goes: HOVER_PX square or as large as the
    view allows, beside the unit on the side with more room, never past the view's edges (a narrow dock put it
    left of the inputs, cut off)."""
    (x0, x1), (y0, y1) = view_range
    sx, sy = pixel_size
    side = min(HOVER_PX, 0.95 * (x1 - x0) / sx, 0.95 * (y1 - y0) / sy)
    w, h = side * sx, side * sy
    gap = 0.1  # between the unit and the map
    if p[0] + gap + w <= x1 or x1 - p[0] >= p[0] - x0:
        x = p[0] + gap
    else:
        x = p[0] - gap - w
    x = float(np.clip(x, x0, x1 - w))
    y = float(np.clip(p[1] - h / 2, y0, y1 - h))
    return QtCore.QRectF(x, y, w, h)
