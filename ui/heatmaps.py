"""Every weight matrix and every gradient as a heatmap: one row per layer, W_l | dW_l | b_l | db_l.

Layers are numbered as in the tutorial: l = 1 .. L, W_l (n_l, n_{l-1}) is `weights[l - 1]` and is
titled "w{l}". Cell (i, j) of W_l is drawn centred on x = j (input unit), y = i (output unit), row 0
at the top, like the matrix is written.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme
from ui.theme import format_value

KINDS = ("w", "grad_w", "b", "grad_b")


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

    def update(self, max_abs: float) -> bool:
        """Feeds one frame's max|x|; returns True when m changed."""
        if not (max_abs > 0.0 and math.isfinite(max_abs)):
            return False  # all zero (fresh biases) or no finite value: keep the current scale
        old = self.m
        if self._unset or max_abs > self.m:
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


class _Panel:
    """One matrix: a PlotItem holding an ImageItem, with its ColorBarItem and levels.

    Building one costs ~30 ms (pyqtgraph's PlotItem and ColorBarItem are heavy), so panels are
    kept and reconfigured when only the matrix shapes change."""

    def __init__(self, layer: int, kind: str):
        self.layer, self.kind, self.shape = layer, kind, (0, 0)
        self.plot = pg.PlotItem(enableMenu=False)
        self.plot.hideButtons()
        # no zoom or pan: the wheel must scroll the surrounding QScrollArea
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.vb.invertY(True)  # row 0 at the top, as the matrix is written
        self.image = pg.ImageItem(axisOrder="row-major")
        # one unit per cell, shifted half a cell: cell (i, j) is centred on (j, i) whatever the shape
        self.image.setPos(-0.5, -0.5)
        self.plot.addItem(self.image)
        self.levels = SymmetricLevels()
        self.bar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=theme.diverging_colormap(), width=12,
            interactive=False, colorMapMenu=False,
        )
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.bar.axis.setWidth(56)
        self.highlight = None
        if kind in ("w", "grad_w"):
            self.highlight = QtWidgets.QGraphicsRectItem(QtCore.QRectF(-0.5, -0.5, 1, 1))
            self.highlight.setPen(theme.highlight_pen())
            self.highlight.setZValue(10)
            self.highlight.setVisible(False)
            self.plot.addItem(self.highlight, ignoreBounds=True)

    def configure(self, title: str, shape: tuple[int, int]) -> None:
        """A new network: title, shape (rows, cols); the colour range starts over."""
        self.plot.setTitle(title)
        self.levels = SymmetricLevels()
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
        for name, n in (("bottom", cols), ("left", rows)):
            axis = self.plot.getAxis(name)
            if n <= 12:  # integer ticks: pyqtgraph would label half cells of small matrices
                axis.setTickSpacing(major=1, minor=1)
            else:
                axis.setTickSpacing()  # automatic

    def show(self, data: np.ndarray) -> None:
        """data: (rows, cols) matrix. Skips unchanged data (a paused run resends the same arrays)."""
        old = self.image.image
        if old is None or old.shape != data.shape or not np.array_equal(old, data, equal_nan=True):
            # a copy: the comparison above must see what is on screen even if the caller later
            # changes its array in place
            self.image.setImage(np.array(data, copy=True), autoLevels=False)
        if self.levels.update(max_abs(data)):
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


class HeatmapGrid(QtWidgets.QWidget):
    """Rows of W_l | dW_l | b_l | db_l heatmaps in a scroll area."""

    cell_clicked = QtCore.Signal(int, int, int)  # layer l (1-based), i (output unit), j (input unit)

    CELL_PX = 22  # preferred pixels per matrix row...
    ROW_MIN, ROW_MAX = 150, 560  # ...within these row heights (title and axis included)
    HEADER_PX = 60  # title + bottom axis
    BIAS_WIDTH = 125
    HOVER_RATE = 30

    def __init__(self, parent=None):
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        self.scroll = QtWidgets.QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.graphics)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self._sizes: tuple = ()
        self._panels: dict[tuple[int, str], _Panel] = {}
        self._highlighted: tuple[int, int, int] | None = None
        scene = self.graphics.scene()
        self._mouse_proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=self.HOVER_RATE, slot=self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    # --- structure --------------------------------------------------------------------------
    def set_network(self, sizes: tuple) -> None:
        """sizes: (n_0, ..., n_L) units per layer, inputs first. Rows are added, dropped or
        reshaped as the sizes require; colour ranges start over."""
        sizes = tuple(int(n) for n in sizes)
        n_layers = len(sizes) - 1
        for key in [key for key in self._panels if key[0] > n_layers]:
            self.graphics.ci.removeItem(self._panels.pop(key).plot)  # off the layout and the scene
        self._highlighted = None
        self._sizes = sizes
        grid = self.graphics.ci.layout
        total = 0
        for l in range(1, n_layers + 1):
            n_out, n_in = sizes[l], sizes[l - 1]
            for col, (kind, title, shape) in enumerate((
                ("w", f"w{l} ({n_out}x{n_in})", (n_out, n_in)), ("grad_w", f"grad w{l}", (n_out, n_in)),
                ("b", f"b{l}", (n_out, 1)), ("grad_b", f"grad b{l}", (n_out, 1)),
            )):
                panel = self._panels.get((l, kind))
                if panel is None:
                    panel = self._panels[(l, kind)] = _Panel(l, kind)
                    if kind in ("b", "grad_b"):
                        panel.plot.setMaximumWidth(self.BIAS_WIDTH)
                        panel.plot.hideAxis("left")  # the row indices are beside it, on w
                    self.graphics.ci.addItem(panel.plot, row=l - 1, col=col)
                panel.configure(title, shape)
            height = min(max(self.HEADER_PX + n_out * self.CELL_PX, self.ROW_MIN), self.ROW_MAX)
            grid.setRowFixedHeight(l - 1, height)
            total += height + grid.verticalSpacing()
        for col, stretch in enumerate((1, 1, 0, 0)):
            grid.setColumnStretchFactor(col, stretch)
        # taller than the viewport -> the scroll area scrolls instead of squeezing the rows
        self.graphics.setMinimumHeight(total + 20)

    def n_layers(self) -> int:
        return max(len(self._sizes) - 1, 0)

    # --- data -------------------------------------------------------------------------------
    def update_matrices(self, weights, biases, grad_w, grad_b) -> None:
        """Lists over layers l = 1..L: W_l (n_l, n_{l-1}), b_l (n_l, 1), and their gradients of the
        same shapes. A different architecture rebuilds the grid first."""
        sizes = (weights[0].shape[1],) + tuple(w.shape[0] for w in weights) if weights else ()
        if sizes != self._sizes:
            self.set_network(sizes)
        for l, arrays in enumerate(zip(weights, grad_w, biases, grad_b), start=1):
            for kind, data in zip(("w", "grad_w", "b", "grad_b"), arrays):
                self._panels[(l, kind)].show(np.asarray(data).reshape(self._panels[(l, kind)].shape))

    def image(self, layer: int, kind: str) -> np.ndarray | None:
        """What is displayed for layer l (1-based), kind in KINDS: (n_l, n_{l-1}) or (n_l, 1)."""
        return self._panels[(layer, kind)].image.image

    def levels(self, layer: int, kind: str) -> tuple[float, float]:
        lo, hi = self._panels[(layer, kind)].image.getLevels()
        return float(lo), float(hi)

    def panel_plot(self, layer: int, kind: str) -> pg.PlotItem:
        """The PlotItem showing that matrix (for mapping positions in tests and tools)."""
        return self._panels[(layer, kind)].plot

    # --- selection and hover ----------------------------------------------------------------
    def highlight(self, layer: int | None, i: int | None = None, j: int | None = None) -> None:
        """Outlines cell (i, j) of W_l and dW_l; highlight(None) clears."""
        for panel in self._panels.values():
            if panel.highlight is not None:
                panel.highlight.setVisible(False)
        self._highlighted = None
        if layer is None or i is None or j is None or (layer, "w") not in self._panels:
            return
        for kind in ("w", "grad_w"):
            rect = self._panels[(layer, kind)].highlight
            rect.setPos(j, i)
            rect.setVisible(True)
        self._highlighted = (layer, i, j)

    def highlighted(self) -> tuple[int, int, int] | None:
        return self._highlighted

    def cell_text(self, layer: int, kind: str, i: int, j: int = 0) -> str:
        """'w2[3, 1] = 0.4123 · grad = -0.0012' (weights) or 'b2[3] = ... · grad = ...' (biases)."""
        if kind in ("w", "grad_w"):
            w, g = self.image(layer, "w"), self.image(layer, "grad_w")
            name = f"w{layer}[{i}, {j}]"
        else:
            w, g, j = self.image(layer, "b"), self.image(layer, "grad_b"), 0
            name = f"b{layer}[{i}]"
        if w is None or g is None:
            return name
        return f"{name} = {format_value(w[i, j])} · grad = {format_value(g[i, j])}"

    def hover_text(self) -> str:
        return self.graphics.toolTip()

    def _panel_cell_at(self, scene_pos) -> tuple[_Panel, int, int] | None:
        for panel in self._panels.values():
            cell = panel.cell_at(scene_pos)
            if cell is not None:
                return panel, cell[0], cell[1]
        return None

    def _on_mouse_moved(self, event):
        """event: (scene position,) from the SignalProxy."""
        hit = self._panel_cell_at(event[0])
        text = self.cell_text(hit[0].layer, hit[0].kind, hit[1], hit[2]) if hit else ""
        self.graphics.setToolTip(text)
        if text and QtWidgets.QToolTip.isVisible():
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), text, self.graphics)

    def _on_mouse_clicked(self, event):
        """event: pyqtgraph MouseClickEvent; W and dW cells select a weight."""
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        hit = self._panel_cell_at(event.scenePos())
        if hit and hit[0].kind in ("w", "grad_w"):
            self.cell_clicked.emit(hit[0].layer, hit[1], hit[2])
