"""One heatmap of the grid (ui/heatmaps.py): a matrix as an ImageItem in a PlotItem, with a colour bar
whose symmetric range (-m, m) keeps zero the middle colour and does not flicker."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme


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
    m / SHRINK_RATIO for SHRINK_AFTER updates in a row (about a second at the window's ~30 Hz).
    """

    SHRINK_RATIO = 4.0
    SHRINK_AFTER = 30

    def __init__(self):
        self.m = 1.0
        self._unset = True  # no non-zero data yet: the first real magnitude sets m directly
        self._small_updates = 0

    def update(self, max_abs: float, settle: bool = False) -> bool:
        """Feeds one frame's max|x|; returns True when m changed. ``settle``: the data stopped moving
        (paused, done, diverged), so fit m to them now instead of waiting for calm frames that won't come."""
        if not (max_abs > 0.0 and math.isfinite(max_abs)):
            return False  # all zero (fresh biases) or no finite value: keep the current scale
        old = self.m
        if self._unset or max_abs > self.m or (settle and max_abs < self.m / self.SHRINK_RATIO):
            self.m, self._unset, self._small_updates = nice_ceil(max_abs), False, 0
        elif max_abs < self.m / self.SHRINK_RATIO:
            self._small_updates += 1
            if self._small_updates >= self.SHRINK_AFTER:
                self.m, self._small_updates = nice_ceil(max_abs), 0
        else:
            self._small_updates = 0
        return self.m != old


def max_abs(a: np.ndarray) -> float:
    """max|a| over the finite entries (a diverged run can carry NaN or inf); 0.0 when none."""
    m = float(np.max(np.abs(a))) if a.size else 0.0
    if not math.isfinite(m):
        finite = a[np.isfinite(a)]
        m = float(np.max(np.abs(finite))) if finite.size else 0.0
    return m


class _IndexAxis(pg.AxisItem):
    """Cell indices: ticks on whole numbers only (pyqtgraph would label half cells of a small
    matrix), no closer than LABEL_PX (pyqtgraph runs "10" and "20" together on a narrow matrix)."""

    LABEL_PX = 20

    def tickSpacing(self, minVal, maxVal, size):
        needed = max(abs(maxVal - minVal) * self.LABEL_PX / max(size, 1.0), 1.0)
        step = next(k * 10**e for e in range(12) for k in (1, 2, 5) if k * 10**e >= needed)
        levels = [(s, offset) for s, offset in super().tickSpacing(minVal, maxVal, size) if s >= step]
        return levels or [(float(step), 0.0)]


class _Title(pg.LabelItem):
    """A plot title that may overhang its column (into the axis and colour bar beside it) rather
    than set the column's minimum width: a narrow grid squeezes the images, not the last column off."""

    def updateMin(self):  # (pyqtgraph calls it on every setText and resize)
        super().updateMin()
        self.setMinimumWidth(0)
        self._sizeHint[QtCore.Qt.SizeHint.MinimumSize] = (0, self._sizeHint[QtCore.Qt.SizeHint.MinimumSize][1])


class MatrixPanel:
    """One matrix: a PlotItem holding an ImageItem, with its ColorBarItem and levels.

    Building one costs ~30 ms (pyqtgraph's PlotItem and ColorBarItem are heavy), so panels are
    kept and reconfigured when only the matrix shapes change."""

    TITLE_PX = 18  # pyqtgraph's 30 px title row and ~40 px axis would leave a small grid no room
    AXIS_PX = 22
    HEADER_PX = TITLE_PX + AXIS_PX + 2  # + the PlotItem's 1 px margins

    def __init__(self, layer: int, kind: str):
        self.layer, self.kind, self.shape, self.title = layer, kind, (0, 0), None
        self.plot = pg.PlotItem(enableMenu=False, axisItems={"left": _IndexAxis("left"), "bottom": _IndexAxis("bottom")})
        self.plot.hideButtons()
        self.plot.getAxis("bottom").setHeight(self.AXIS_PX)
        self.plot.layout.removeItem(self.plot.titleLabel)  # pyqtgraph's title, for a _Title
        self.plot.titleLabel.setParentItem(None)
        self.plot.titleLabel = _Title("", parent=self.plot)
        self.plot.layout.addItem(self.plot.titleLabel, 0, 1)
        self.plot.vb.setMinimumWidth(14 if kind in ("b", "grad_b") else 20)  # how far a narrow grid squeezes
        # no zoom or pan: the wheel must scroll the surrounding QScrollArea
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.vb.invertY(True)  # row 0 at the top, as the matrix is written
        self.image = pg.ImageItem(axisOrder="row-major")
        # one unit per cell, shifted half a cell: cell (i, j) is centred on (j, i) whatever the shape
        self.image.setPos(-0.5, -0.5)
        self.plot.addItem(self.image)
        self.levels = SymmetricLevels()
        self.bar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=theme.diverging_colormap(), width=10,
            interactive=False, colorMapMenu=False,
        )
        self.bar.setImageItem(self.image, insert_in=self.plot)
        # room for the widest label of a 1-2-5 step, "-0.0005" (pyqtgraph drops a label that does
        # not fit), in a slightly smaller font so that four bars leave the images some width
        font = QtGui.QFont()
        font.setPointSizeF(8.0)
        self.bar.axis.setStyle(tickFont=font, tickTextOffset=3)
        self.bar.axis.setWidth(46)
        self._label_bar()
        for axis in (self.bar.axis, self.plot.getAxis("left"), self.plot.getAxis("bottom")):
            axis.enableAutoSIPrefix(False)  # cell indices and our own bar labels: never "(x0.001)"
        self.highlight = None
        if kind in ("w", "grad_w"):
            self.highlight = QtWidgets.QGraphicsRectItem(QtCore.QRectF(-0.5, -0.5, 1, 1))
            self.highlight.setPen(theme.highlight_pen())
            self.highlight.setZValue(10)
            self.highlight.setVisible(False)
            self.plot.addItem(self.highlight, ignoreBounds=True)

    def configure(self, title: str, shape: tuple[int, int]) -> None:
        """A new network: title, shape (rows, cols); the colour range starts over."""
        if title != self.title:  # setTitle re-lays the whole grid out (~10 ms): only when it changes
            self.title = title
            self.plot.setTitle(title, size="9pt")
            self.plot.layout.setRowFixedHeight(0, self.TITLE_PX)
            self.plot.titleLabel.setMaximumHeight(self.TITLE_PX)
        self.levels = SymmetricLevels()
        if tuple(self.bar.levels()) != (-1.0, 1.0):  # (unchanged, it would still repaint every bar)
            self.bar.setLevels((-1.0, 1.0))
            self._label_bar()
        if self.highlight is not None:
            self.highlight.setVisible(False)
        if shape == self.shape:
            return
        self.shape = shape
        rows, cols = shape
        self.image.clear()
        self.plot.setRange(xRange=(-0.5, cols - 0.5), yRange=(-0.5, rows - 0.5), padding=0)

    def show(self, data: np.ndarray, settle: bool = False) -> None:
        """data: (rows, cols) matrix. Skips unchanged data (a paused run resends the same arrays).
        ``settle``: fit the colour range now (see SymmetricLevels.update)."""
        old = self.image.image
        if old is None or old.shape != data.shape or not np.array_equal(old, data, equal_nan=True):
            # a copy: the comparison above must see what is on screen even if the caller later
            # changes its array in place
            self.image.setImage(np.array(data, copy=True), autoLevels=False)
        if self.levels.update(max_abs(data), settle):
            self.bar.setLevels((-self.levels.m, self.levels.m))
            self._label_bar()

    def _label_bar(self):
        # three labels, -m, 0, m: pyqtgraph's automatic ticks print tiny gradients as "0.000"
        m = self.levels.m
        self.bar.axis.setTicks([[(-m, f"{-m:.3g}"), (0.0, "0"), (m, f"{m:.3g}")]])

    def cell_at(self, scene_pos: QtCore.QPointF) -> tuple[int, int] | None:
        """(i, j) of the cell under a scene position, None outside the matrix."""
        if not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = self.plot.vb.mapSceneToView(scene_pos)
        i, j = math.floor(p.y() + 0.5), math.floor(p.x() + 0.5)
        rows, cols = self.shape
        return (i, j) if 0 <= i < rows and 0 <= j < cols else None
