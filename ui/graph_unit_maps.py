"""Unit maps on the network graph: on every unit drawn, a small image of its activation over the input plane
(the frame's ``unit_maps``, computed by the training thread), and an enlarged one while the mouse is on it.
Each input's map is labelled with the input's name (x1, x2, x1^2 ...: which feature it is).

Maps are squares MAP_PX wide at most, as wide as the gap between a column's units allows (GAP_SHARE of it,
so two maps never touch) and never past the view's edges. A column whose units are too close for maps of
MIN_MAP_PX gets a map on every k-th drawn unit, and a note says so; a column of few units (the inputs, the
outputs) is spaced by its own units, so each of them has its map.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from engine.unit_maps import PLANE_RESOLUTION
from ui.image_layer import ImageLayer
from ui.unit_map_images import unit_images

MAP_PX = 40
MIN_MAP_PX = 16
HOVER_PX = 150
ABOVE_PX = 10  # between the unit and the bottom of its enlarged map
COLUMN_SHARE = 0.45  # of the distance between two columns a map may take
GAP_SHARE = 0.75  # of the distance between two maps' units a map may take: the rest is a gap that reads as one


def ordinal(n: int) -> str:
    return f"{n}{'nd' if n == 2 else 'rd' if n == 3 else 'th'}"


def _label_font() -> QtGui.QFont:
    font = QtGui.QFont()
    font.setPointSizeF(8.0)
    return font


class GraphUnitMaps:
    """Owns the map images on ``graph.plot``; ``draw(frame)`` after each graph render, ``hover(column, unit)``."""

    def __init__(self, graph):
        self.graph = graph
        self.plot = graph.plot
        self.layer = ImageLayer()  # every map, one item (one paint); the enlarged one is ``big``
        self.layer.setZValue(5)  # above the edges and the nodes' fill, below the selection outline
        self.plot.addItem(self.layer)
        self.rects: list[QtCore.QRectF] = []  # in view coordinates, one per placed unit
        self._rows: dict = {}  # (column, unit): its first row in its column's sheet
        self.labels: list[pg.TextItem] = []  # under the inputs' maps: the inputs' names
        self.placed: list[tuple[int, int]] = []  # (column, unit) of each shown item
        self.every = 1  # the widest column has a map on every k-th drawn unit
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
        self._label_px = QtGui.QFontMetricsF(_label_font()).height() + 1
        self.plot.getViewBox().sigResized.connect(self._place)

    def clear(self) -> None:
        for item in self.labels:
            item.setVisible(False)
        self.layer.clear()
        self.placed, self.images, self.rects = [], [], []
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

    def input_names(self) -> list[str]:
        """The names of the network's inputs (the features, with features on), "x[j]" where the data has none."""
        data, n = self.graph.data, len(self.images[0]) if self.images else 0
        names = list(getattr(data, "feature_names", []) or []) if data is not None else []
        return [names[j] if j < len(names) else f"x[{j}]" for j in range(n)]

    def column_layout(self, k: int) -> tuple[int, float]:
        """(every, side): column k has a map on every ``every``-th drawn unit, ``side`` pixels square."""
        g = self.graph
        vb = self.plot.getViewBox()
        sx, sy = vb.viewPixelSize()
        (_, _), (y0, y1) = vb.viewRange()
        units, ys = g._shown[k], g._ypos[k]
        label = self._label_px if k == 0 else 0.0
        pitch = g.pitch[k] / sy if len(units) > 1 else math.inf  # pixels between two units
        side = min(MAP_PX, GAP_SHARE * pitch - label)
        every = 1 if side >= MIN_MAP_PX else math.ceil((MIN_MAP_PX + label) / max(GAP_SHARE * pitch, 1e-6))
        side = min(MAP_PX, GAP_SHARE * every * pitch - label, COLUMN_SHARE / sx)
        shown = ys[::every]
        # never cut by the view's top, nor (with its label) by its bottom or the "+N more" note under it
        bottom = max(y0, g.marker_y) if len(units) < g._sizes[k] else y0
        room = min(y1 - shown.max(), shown.min() - bottom - label * sy) if len(shown) else 0.0
        return every, max(min(side, 2 * room / sy), 0.0)

    def _place(self) -> None:
        g = self.graph
        if not self.images or len(self.images) != len(g._shown):
            return
        sx, sy = self.plot.getViewBox().viewPixelSize()
        layouts = [self.column_layout(k) for k in range(len(g._shown))]
        self.every = max(every for every, _ in layouts)
        want = [(k, int(u), float(y)) for k, (units, ys) in enumerate(zip(g._shown, g._ypos))
                for u, y in list(zip(units, ys))[::layouts[k][0]] if layouts[k][1] > 0]
        res = PLANE_RESOLUTION
        sheets, rows = [], {}  # per column, its maps coloured and stacked: (n * res, res, 3); (k, u): row
        for k in range(len(self.images)):
            units = [u for kk, u, _ in want if kk == k]
            sheets.append(unit_images(self.images[k][units], self._acts[k], res, units).reshape(-1, res, 3))
            rows.update({(k, u): n * res for n, u in enumerate(units)})
        places = []
        for k, u, y in want:
            w, h = layouts[k][1] * sx, layouts[k][1] * sy
            places.append((k, QtCore.QRectF(0, rows[k, u], res, res), QtCore.QRectF(k - w / 2, y - h / 2, w, h)))
        self.layer.set_images(sheets, places)
        self.rects = [dst for _, _, dst in places]
        self.placed = [(k, u) for k, u, _ in want]
        self._rows = rows
        self._place_labels([(u, y) for k, u, y in want if k == 0], layouts[0][1] * sy)
        self.note.setText("" if self.every == 1 else
                          f"maps on every {ordinal(self.every)} unit of the wide layers")

    def _place_labels(self, inputs: list[tuple[int, float]], h: float) -> None:
        """Each input's name under its map (``h`` the maps' height in view units)."""
        names = self.input_names()
        while len(self.labels) < len(inputs):
            label = pg.TextItem("", color="#BBBBBB", anchor=(0.5, 0))
            label.setFont(_label_font())
            label.setZValue(6)
            self.plot.addItem(label)
            self.labels.append(label)
        for label, (u, y) in zip(self.labels, inputs):
            if label.toPlainText() != names[u]:  # (a text item lays its text out again on every setText)
                label.setText(names[u])
            label.setPos(0.0, y - h / 2)
            label.setVisible(True)
        for label in self.labels[len(inputs):]:
            label.setVisible(False)

    def image_of(self, column: int, unit: int) -> np.ndarray:
        """(res, res, 3) uint8: the map drawn on ``unit`` of ``column`` (one of ``placed``)."""
        row, res = self._rows[column, unit], PLANE_RESOLUTION
        return self.layer.sheets[column][row:row + res]

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
        self.big.setImage(unit_images(self.images[column][unit:unit + 1], self._acts[column], PLANE_RESOLUTION,
                                      [unit])[0],
                          autoLevels=False, levels=(0, 255))
        self.big.setRect(hover_rect(p, self.plot.getViewBox().viewRange(), self.plot.getViewBox().viewPixelSize()))
        self.big.setVisible(True)


def hover_rect(p: tuple[float, float], view_range, pixel_size) -> QtCore.QRectF:
    """Where the enlarged map of the unit at ``p`` (view coordinates) goes: HOVER_PX square or as large as the
    view allows, beside the unit on the side with more room and above it where there is room, never past the
    view's edges (a narrow dock put it left of the inputs, cut off)."""
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
    # above the unit where there is room: the unit's tooltip opens below the mouse, and covered the lower half
    # of a map centred on the unit
    y = float(np.clip(p[1] + ABOVE_PX * sy, y0, y1 - h))
    return QtCore.QRectF(x, y, w, h)
