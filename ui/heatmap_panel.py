"""One heatmap of the grid (ui/heatmaps.py): a matrix as an ImageItem in a light plot, with a colour bar
whose symmetric range (-m, m) keeps zero the middle colour and does not flicker."""
from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ui import theme
from ui.heatmap_parts import ColourBar, IndexRuler, Title


def nice_ceil(x: float) -> float:
    """Smallest 1, 2 or 5 x 10^k >= x (x > 0): tidy colour-bar ends that change rarely."""
    base = 10.0 ** math.floor(math.log10(x))
    for factor in (1.0, 2.0, 5.0):
        if x <= factor * base * (1 + 1e-9):
            return factor * base
    return 10.0 * base


class SymmetricLevels:
    """Half-width m of a colour range (-m, m) that does not flicker from frame to frame.

    m widens at once when max|x| exceeds it, and narrows only after max|x| stayed below
    m / SHRINK_RATIO for SHRINK_SECONDS (and at least SHRINK_AFTER updates in a row). A time, not a number of
    updates: heatmaps redrawn a few times a second (a paced run, a busy window) kept a range 100x too wide for
    many seconds, the gradients drawn blank, when narrowing waited for 30 updates.
    """

    SHRINK_RATIO = 4.0
    SHRINK_AFTER = 3
    SHRINK_SECONDS = 1.0
    # data this far below the range for FAR_AFTER updates in a row narrows it without waiting: spiral's gradients
    # fall 10-100x a second at full speed, and a range a second behind drew its dW heatmaps blank
    FAR_RATIO = 30.0
    FAR_AFTER = 2

    def __init__(self, clock=time.monotonic):
        self.m = 1.0
        self._unset = True  # no non-zero data yet: the first real magnitude sets m directly
        self._small_updates = 0
        self._far_updates = 0  # of them, those FAR_RATIO below, in a row
        self._small_since = 0.0  # the clock at the first of the small updates in a row
        self._clock = clock

    def update(self, max_abs: float, settle: bool = False) -> bool:
        """Feeds one frame's max|x|; returns True when m changed. ``settle``: the data stopped moving
        (paused, done, diverged), so fit m to them now instead of waiting for calm frames that won't come."""
        if not (max_abs > 0.0 and math.isfinite(max_abs)):
            return False  # all zero (fresh biases) or no finite value: keep the current scale
        old = self.m
        if self._unset or max_abs > self.m or (settle and max_abs < self.m / self.SHRINK_RATIO):
            self.m, self._unset, self._small_updates, self._far_updates = nice_ceil(max_abs), False, 0, 0
        elif max_abs < self.m / self.SHRINK_RATIO:
            now = self._clock()
            if self._small_updates == 0:
                self._small_since = now
            self._small_updates += 1
            self._far_updates = self._far_updates + 1 if max_abs < self.m / self.FAR_RATIO else 0
            if (self._small_updates >= self.SHRINK_AFTER and now - self._small_since >= self.SHRINK_SECONDS) \
                    or self._far_updates >= self.FAR_AFTER:
                self.m, self._small_updates, self._far_updates = nice_ceil(max_abs), 0, 0
        else:
            self._small_updates = self._far_updates = 0
        return self.m != old


def max_abs(a: np.ndarray) -> float:
    """max|a| over the finite entries (a diverged run can carry NaN or inf); 0.0 when none."""
    m = float(np.max(np.abs(a))) if a.size else 0.0
    if not math.isfinite(m):
        finite = a[np.isfinite(a)]
        m = float(np.max(np.abs(finite))) if finite.size else 0.0
    return m


class MatrixPlot(pg.GraphicsWidget):
    """Title, row indices, the image's ViewBox, column indices and the colour bar, in one grid layout.

    The parts of a pg.PlotItem a matrix needs, under the same names (vb, titleLabel, getAxis,
    hideAxis, setTitle), painted by ui/heatmap_parts.py instead of pyqtgraph's rich-text items."""

    def __init__(self, title_px: int, axis_px: int):
        super().__init__()
        self.layout = QtWidgets.QGraphicsGridLayout()
        self.layout.setContentsMargins(1, 1, 1, 1)
        self.layout.setHorizontalSpacing(0)
        self.layout.setVerticalSpacing(0)
        self.setLayout(self.layout)
        # each part parented here, so that Qt, not Python's garbage collector, owns and deletes it
        self.vb = pg.ViewBox(parent=self, enableMenu=False, enableMouse=False, invertY=True, defaultPadding=0.0)
        self.axes = {"left": IndexRuler("left", self.vb, axis_px, parent=self),
                     "bottom": IndexRuler("bottom", self.vb, axis_px, parent=self)}
        self.titleLabel = Title(title_px, parent=self)
        self.bar = ColourBar(parent=self)
        self.layout.addItem(self.titleLabel, 0, 0, 1, 2)
        self.layout.addItem(self.axes["left"], 1, 0)
        self.layout.addItem(self.vb, 1, 1)
        self.layout.addItem(self.axes["bottom"], 2, 1)
        self.layout.addItem(self.bar, 3, 1)
        self.layout.setColumnStretchFactor(1, 1)
        self.layout.setRowStretchFactor(1, 1)

    def getAxis(self, name: str) -> IndexRuler:
        return self.axes[name]

    def hideAxis(self, name: str) -> None:
        self.axes[name].hide()
        self.layout.removeItem(self.axes[name])

    def setTitle(self, title: str) -> None:
        self.titleLabel.setText(title)

    def set_shape(self, rows: int, cols: int) -> None:
        self.axes["left"].set_cells(rows)
        self.axes["bottom"].set_cells(cols)
        self.vb.setRange(xRange=(-0.5, cols - 0.5), yRange=(-0.5, rows - 0.5), padding=0)

    def addItem(self, item, ignoreBounds: bool = False) -> None:
        self.vb.addItem(item, ignoreBounds=ignoreBounds)


class MatrixPanel:
    """One matrix: a MatrixPlot holding an ImageItem, its colour bar and levels.

    Cheap to build (a pg.PlotItem with a pg.ColorBarItem took ~15 ms, which made a preset switch
    a visible hitch), and still kept and reconfigured when only the matrix shapes change."""

    TITLE_PX = 17  # pyqtgraph's 30 px title row and ~40 px axis would leave a small grid no room
    AXIS_PX = 13
    VB_MIN_PX = 24
    HEADER_PX = TITLE_PX + AXIS_PX + ColourBar.HEIGHT + 2  # + the plot's 1 px margins

    def __init__(self, layer: int, kind: str):
        self.layer, self.kind, self.shape, self.title = layer, kind, (0, 0), None
        self.plot = MatrixPlot(self.TITLE_PX, self.AXIS_PX)
        self.plot.vb.setMinimumWidth(16 if kind in ("b", "grad_b") else self.VB_MIN_PX)  # how far a narrow grid squeezes
        self.image = pg.ImageItem(axisOrder="row-major")
        # one unit per cell, shifted half a cell: cell (i, j) is centred on (j, i) whatever the shape
        self.image.setPos(-0.5, -0.5)
        self.image.setLookupTable(_lookup_table())
        self.image.setLevels((-1.0, 1.0))
        self.plot.addItem(self.image)
        self.levels = SymmetricLevels()
        self.bar = self.plot.bar
        # the selected weight's cell in W and dW, the selected bias's (a unit clicked in the graph) in b and db
        self.highlight = QtWidgets.QGraphicsRectItem(QtCore.QRectF(-0.5, -0.5, 1, 1))
        self.highlight.setPen(theme.highlight_pen())
        self.highlight.setZValue(10)
        self.highlight.setVisible(False)
        self.plot.addItem(self.highlight, ignoreBounds=True)

    def configure(self, title: str, shape: tuple[int, int]) -> None:
        """A new network: title, shape (rows, cols); the colour range starts over."""
        if title != self.title:  # setTitle re-lays the whole grid out: only when it changes
            self.title = title
            self.plot.setTitle(title)
        self.levels = SymmetricLevels()
        self._set_levels(1.0)
        if self.highlight is not None:
            self.highlight.setVisible(False)
        if shape == self.shape:
            return
        self.shape = shape
        rows, cols = shape
        self.image.clear()
        self.plot.set_shape(rows, cols)

    def show(self, data: np.ndarray, settle: bool = False) -> None:
        """data: (rows, cols) matrix. Skips unchanged data (a paused run resends the same arrays).
        ``settle``: fit the colour range now (see SymmetricLevels.update)."""
        old = self.image.image
        if old is None or old.shape != data.shape or not np.array_equal(old, data, equal_nan=True):
            # a copy: the comparison above must see what is on screen even if the caller later
            # changes its array in place
            self.image.setImage(np.array(data, copy=True), autoLevels=False)
        if self.levels.update(max_abs(data), settle):
            self._set_levels(self.levels.m)

    def _set_levels(self, m: float) -> None:
        if self.bar.m != m or tuple(self.image.getLevels()) != (-m, m):  # (unchanged: no repaint)
            self.image.setLevels((-m, m))
            self.bar.setLevels((-m, m))

    def cell_at(self, scene_pos: QtCore.QPointF) -> tuple[int, int] | None:
        """(i, j) of the cell under a scene position, None outside the matrix."""
        if not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.plot.vb.mapSceneToView(scene_pos)
        i, j = math.floor(p.y() + 0.5), math.floor(p.x() + 0.5)
        rows, cols = self.shape
        return (i, j) if 0 <= i < rows and 0 <= j < cols else None


_LUT = None


def _lookup_table() -> np.ndarray:
    """(256, 3) uint8: the diverging map, shared by every image."""
    global _LUT
    if _LUT is None:
        _LUT = theme.diverging_colormap().getLookupTable(0.0, 1.0, 256)
    return _LUT
