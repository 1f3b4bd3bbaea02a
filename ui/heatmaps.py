"""Every weight matrix and every gradient as a heatmap: one row per layer, W_l | dW_l | b_l | db_l.

Layers are numbered as in the tutorial: l = 1 .. L, W_l (n_l, n_{l-1}) is `weights[l - 1]` and is
titled "w{l}". Cell (i, j) of W_l is drawn centred on x = j (input unit), y = i (output unit), row 0
at the top, like the matrix is written.
"""
from __future__ import annotations

import math
import time

import numpy as np
import shiboken6
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ui import theme
from ui.heatmap_panel import MatrixPanel, MatrixPlot, SymmetricLevels  # noqa: F401 (SymmetricLevels: part of the API)
from ui.heatmap_pointer import EDITABLE, HeatmapPointer
from ui.heatmap_popout import HeatmapPopout
from ui.hover_tooltip import HoverTooltip
from ui.theme import format_value

KINDS = ("w", "grad_w", "b", "grad_b")


class HeatmapGrid(HeatmapPointer, QtWidgets.QWidget):
    """Rows of W_l | dW_l | b_l | db_l heatmaps in a scroll area. A double-click on a cell of W_l or b_l asks to
    set that weight or bias (``parameter_edit_requested``); a double-click anywhere else on a heatmap (its
    title, indices or colour bar, or any cell of dW_l and db_l) enlarges it in its own window, which follows
    the grid live (ui/heatmap_popout.py); its right-click menu does both too (``add_actions``)."""

    cell_clicked = QtCore.Signal(int, int, int)  # layer l (1-based), i (output unit), j (input unit)
    bias_clicked = QtCore.Signal(int, int)  # layer l (1-based), i: a cell of b or db
    # a double-click on a cell of w or b: ("w", layer, i, j) or ("b", layer, i), layer 1-based (the model's selection)
    parameter_edit_requested = QtCore.Signal(tuple)

    # Rows share the visible height, all matrices at the same px per matrix row ("cell"), so the
    # whole network is in view; below CELL_MIN the area scrolls instead, and a tiny matrix stops
    # growing at CELL_MAX. PLOT_MIN keeps a 1- or 2-unit layer tall enough to see and point at.
    CELL_MIN, CELL_MAX = 4.0, 40.0
    PLOT_MIN = 16
    BIAS_WIDTH = 125
    BUILD_BUDGET_MS = 25.0  # ms of row building per turn of the event loop after a switch
    OWN_MIN_MAX = 262  # px: 1024 less the Settings dock and the right column at their minimum widths
    HOVER_RATE = 30

    def __init__(self, parent=None):
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        self.graphics.ci.setContentsMargins(2, 2, 2, 2)  # (pyqtgraph's 9 px and 6 px: room for cells)
        self.graphics.ci.layout.setHorizontalSpacing(4)
        self.graphics.ci.layout.setVerticalSpacing(2)  # (each row's title already sets it off)
        self.scroll = QtWidgets.QScrollArea()
        self.scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.graphics)
        self._viewport = self.scroll.viewport()
        theme.dark_background(self._viewport)  # below a short grid
        self._viewport.installEventFilter(self)  # its height is what the rows share
        self._plots_viewport = self.graphics.viewport()
        self._plots_viewport.installEventFilter(self)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self._sizes: tuple = ()
        self._row_heights: list[int] = []
        self._cell_px = 0.0
        self._panels: dict[tuple[int, str], MatrixPanel] = {}
        self._highlighted: tuple[int, int, int] | None = None
        self._highlighted_bias: tuple[int, int] | None = None  # (layer, i): a bias selected instead of a weight
        self._pending: list[int] = []  # rows (layers) set_network left for build_pending
        self._latest = None  # the last update_matrices arguments, for rows built later
        self._popouts: dict[tuple[int, str], HeatmapPopout] = {}
        scene = self.graphics.scene()
        self.tooltip = HoverTooltip(self.graphics, self.text_at)  # (ui/heatmap_pointer.py)
        self._mouse_proxy = pg.SignalProxy(scene.sigMouseMoved, rateLimit=self.HOVER_RATE, slot=self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        app = QtWidgets.QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._release_panels)

    def _release_panels(self) -> None:
        """Deletes the plots while Python still runs: left to PySide's exit clean-up, deleting a plot
        re-lays its axes out through their Python overrides after the interpreter has gone (a crash)."""
        for popout in list(self._popouts.values()):
            popout.close()
        for key in list(self._panels):
            self.graphics.ci.removeItem(self._panels.pop(key).plot)
        self._sizes, self._row_heights, self._pending = (), [], []

    # --- structure --------------------------------------------------------------------------
    def set_network(self, sizes: tuple) -> None:
        """sizes: (n_0, ..., n_L) units per layer, inputs first. Rows are added, dropped or
        reshaped as the sizes require; colour ranges start over. New rows in view are built now, for
        up to BUILD_BUDGET_MS, the others over the next turns of the event loop (build_pending), so
        that a switch to a deep network does not stall the window (a row costs ~15 ms)."""
        sizes = tuple(int(n) for n in sizes)
        n_layers = len(sizes) - 1
        for key in [key for key in self._panels if key[0] > n_layers]:
            self.graphics.ci.removeItem(self._panels.pop(key).plot)  # off the layout and the scene
        self._highlighted = self._highlighted_bias = None
        self._latest = None
        self._sizes = sizes
        new_rows = [l for l in range(1, n_layers + 1) if (l, "w") not in self._panels]
        self._pending = []
        heights = self._row_heights_for(self._viewport.height())[1]
        bottom = self.scroll.verticalScrollBar().value() + self._viewport.height()
        top, t0 = 0, time.perf_counter()
        for l in range(1, n_layers + 1):
            spent = (time.perf_counter() - t0) * 1e3
            if l in new_rows and (top > bottom or spent > self.BUILD_BUDGET_MS):
                self._pending.append(l)  # out of view, or the first frame's budget is spent: later
            else:
                self._configure_row(l)
            top += heights[l - 1]
        for key in [key for key in self._popouts if key[0] > n_layers]:
            self._popouts[key].close()  # its layer is gone
        if new_rows:  # new rows: (re)apply the column stretch once
            for col, stretch in enumerate((1, 1, 0, 0)):
                self.graphics.ci.layout.setColumnStretchFactor(col, stretch)
        self._layout_rows()
        if self._pending:
            QtCore.QTimer.singleShot(0, self, self.build_pending)

    def _configure_row(self, l: int) -> None:
        """Builds (if new) and configures the four panels of row l for self._sizes."""
        n_out, n_in = self._sizes[l], self._sizes[l - 1]
        for col, (kind, title, shape) in enumerate((
            ("w", f"w{l} ({n_out}x{n_in})", (n_out, n_in)), ("grad_w", f"grad w{l}", (n_out, n_in)),
            ("b", f"b{l}", (n_out, 1)), ("grad_b", f"grad b{l}", (n_out, 1)),
        )):
            panel = self._panels.get((l, kind))
            if panel is None:
                panel = self._panels[(l, kind)] = MatrixPanel(l, kind)
                if kind in ("b", "grad_b"):
                    # thin: a narrow grid takes its width from W and dW only once these are down to it
                    panel.plot.setPreferredWidth(self.BIAS_WIDTH * 2 // 3)
                    panel.plot.setMaximumWidth(self.BIAS_WIDTH)
                    panel.plot.hideAxis("left")  # the row indices are beside it, on w
                else:
                    panel.plot.setPreferredWidth(300)  # the same for W and dW: equal halves of the rest
                self.graphics.ci.addItem(panel.plot, row=l - 1, col=col)
            panel.configure(title, shape)
            if kind in ("w", "grad_w"):  # no narrower than CELL_MIN a column: past that, scroll sideways
                panel.plot.vb.setMinimumWidth(max(n_in * self.CELL_MIN, MatrixPanel.VB_MIN_PX))
            if (l, kind) in self._popouts:
                self._popouts[(l, kind)].configure(title, shape)

    def build_pending(self, budget_ms: float = BUILD_BUDGET_MS) -> None:
        """Builds rows set_network left for later, for about budget_ms (all of them: budget_ms=inf),
        shows them the latest matrices and outline, and schedules itself again for the rest."""
        if not (shiboken6.isValid(self.graphics) and shiboken6.isValid(self.graphics.ci)):  # the window closed meanwhile
            self._pending = []
            return
        t0 = time.perf_counter()
        built = []
        while self._pending and (time.perf_counter() - t0) * 1e3 < budget_ms:
            l = self._pending.pop(0)
            if l <= self.n_layers():
                try:
                    self._configure_row(l)
                except RuntimeError:  # the window is being destroyed under this deferred build: stop
                    self._pending = []
                    return
                built.append(l)
        if built:
            grid = self.graphics.ci.layout
            for l in built:  # (a row without items yet kept no height of its own)
                grid.setRowFixedHeight(l - 1, self._row_heights[l - 1])
            if self._latest is not None:
                self.update_matrices(*self._latest[:4], settle=self._latest[4], rows=built)
            if self._highlighted and self._highlighted[0] in built:
                self.highlight(*self._highlighted)
            if self._highlighted_bias and self._highlighted_bias[0] in built:
                self.highlight_bias(*self._highlighted_bias)
        if self._pending:
            QtCore.QTimer.singleShot(0, self, self.build_pending)

    def pending_rows(self) -> list[int]:
        """Rows (layers) not built yet."""
        return list(self._pending)

    def n_layers(self) -> int:
        return max(len(self._sizes) - 1, 0)

    def cell_px(self) -> float:
        """Screen pixels per matrix row, the same in every row of the grid."""
        return self._cell_px

    def eventFilter(self, watched, event):
        if "_plots_viewport" not in self.__dict__:  # torn down: Qt still sends its children's last events
            return False
        if watched is self._viewport and event.type() == QtCore.QEvent.Type.Resize \
                and event.size().height() != event.oldSize().height():
            self._layout_rows()
        elif watched is self._plots_viewport and event.type() == QtCore.QEvent.Type.Paint:
            self._fit_width()  # the axes size themselves to their labels as they paint (~3 us)
        return False

    def _fit_width(self) -> None:
        """As wide as the plots and colour bars need: a narrow area scrolls sideways rather than
        cut the right-hand columns off. The grid itself asks the window for that width, up to
        OWN_MIN_MAX, so that the docks beside it give way to a small network's four columns (at
        1024x768 they left it 219 px) and a wide one still fits a 1024 px screen, scrolling."""
        width = math.ceil(self.graphics.ci.effectiveSizeHint(QtCore.Qt.SizeHint.MinimumSize).width())
        if width != self.graphics.minimumWidth():
            self.graphics.setMinimumWidth(width)
            scrollbar = self.scroll.verticalScrollBar().sizeHint().width()
            self.setMinimumWidth(min(width + scrollbar, self.OWN_MIN_MAX))

    def _row_heights_for(self, viewport_height: int) -> tuple[float, list[int], int]:
        """(cell px, per-row heights, overhead px) for self._sizes in a viewport that tall: the
        largest cell size in [CELL_MIN, CELL_MAX] that fits every row in view, each row its n_l
        cells (at least PLOT_MIN) plus a header."""
        units = self._sizes[1:]
        grid = self.graphics.ci.layout
        _, top, _, bottom = grid.getContentsMargins()
        overhead = top + bottom + len(units) * (MatrixPanel.HEADER_PX + grid.verticalSpacing())
        room = viewport_height - overhead

        def plots_px(cell):
            return sum(max(n * cell, self.PLOT_MIN) for n in units)

        lo, hi = self.CELL_MIN, self.CELL_MAX
        if plots_px(hi) <= room:
            lo = hi
        elif plots_px(lo) < room:
            for _ in range(30):  # bisection: plots_px grows with the cell size
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if plots_px(mid) <= room else (lo, mid)
        heights = [MatrixPanel.HEADER_PX + math.floor(max(n * lo, self.PLOT_MIN)) for n in units]
        return lo, heights, overhead

    def _layout_rows(self) -> None:
        """Row heights from the viewport's height (see _row_heights_for)."""
        self._cell_px, heights, overhead = self._row_heights_for(self._viewport.height())
        self._fit_width()
        if heights == self._row_heights:
            return  # (each change re-lays every plot out)
        self._row_heights = heights
        grid = self.graphics.ci.layout
        for row, height in enumerate(heights):
            grid.setRowFixedHeight(row, height)
        # exactly the rows' height: taller than the viewport (cells at CELL_MIN), the area scrolls
        # instead of squeezing them; shorter (cells at CELL_MAX), the layout would stretch them
        self.graphics.setFixedHeight(sum(heights) + overhead - len(heights) * MatrixPanel.HEADER_PX)

    # --- data -------------------------------------------------------------------------------
    def update_matrices(self, weights, biases, grad_w, grad_b, settle: bool = False, rows=None) -> None:
        """Lists over layers l = 1..L: W_l (n_l, n_{l-1}), b_l (n_l, 1), and their gradients of the
        same shapes. A different architecture rebuilds the grid first. ``settle``: training has stopped,
        so colour ranges fit the data now (while it runs they narrow only after calm frames).
        ``rows``: only these layers (the rest as they are)."""
        sizes = (weights[0].shape[1],) + tuple(w.shape[0] for w in weights) if weights else ()
        if sizes != self._sizes:
            self.set_network(sizes)
        self._latest = (weights, biases, grad_w, grad_b, settle)  # for the rows built later
        for l, arrays in enumerate(zip(weights, grad_w, biases, grad_b), start=1):
            if (rows is not None and l not in rows) or (l, "w") not in self._panels:
                continue  # (not built yet: it gets these when it is)
            for kind, data in zip(("w", "grad_w", "b", "grad_b"), arrays):
                data = np.asarray(data).reshape(self._panels[(l, kind)].shape)
                self._panels[(l, kind)].show(data, settle)
                if (l, kind) in self._popouts:
                    self._popouts[(l, kind)].show_matrix(data, settle)

    def _panel(self, layer: int, kind: str) -> MatrixPanel:
        """That matrix's panel, built now if it was left for later."""
        if (layer, "w") not in self._panels and layer in self._pending:
            self.build_pending(budget_ms=math.inf)
        return self._panels[(layer, kind)]

    def image(self, layer: int, kind: str) -> np.ndarray | None:
        """What is displayed for layer l (1-based), kind in KINDS: (n_l, n_{l-1}) or (n_l, 1)."""
        return self._panel(layer, kind).image.image

    def levels(self, layer: int, kind: str) -> tuple[float, float]:
        lo, hi = self._panel(layer, kind).image.getLevels()
        return float(lo), float(hi)

    def panel_plot(self, layer: int, kind: str) -> MatrixPlot:
        """The plot showing that matrix (for mapping positions in tests and tools)."""
        return self._panel(layer, kind).plot

    # --- selection and hover ----------------------------------------------------------------
    def highlight(self, layer: int | None, i: int | None = None, j: int | None = None) -> None:
        """Outlines cell (i, j) of W_l and dW_l; highlight(None) clears (a bias's outline too)."""
        for panel in self._panels.values():
            panel.highlight.setVisible(False)
        self._highlighted = self._highlighted_bias = None
        if layer is None or i is None or j is None or not 1 <= layer <= self.n_layers():
            layer = None
        else:
            self._highlighted = (layer, i, j)  # (a row built later outlines it then)
            for kind in ("w", "grad_w"):
                if (layer, kind) in self._panels:
                    rect = self._panels[(layer, kind)].highlight
                    rect.setPos(j, i)
                    rect.setVisible(True)
        for (l, kind), popout in self._popouts.items():
            popout.highlight(*((i, j) if l == layer and kind in ("w", "grad_w") else (None, None)))

    def highlight_bias(self, layer: int, i: int) -> None:
        """Outlines cell i of b_l and grad b_l (the selection is a bias: a unit clicked in the graph), and no
        weight's cell."""
        self.highlight(None)
        if not 1 <= layer <= self.n_layers():
            return
        self._highlighted_bias = (layer, i)  # (a row built later outlines it then)
        for kind in ("b", "grad_b"):
            if (layer, kind) in self._panels:
                rect = self._panels[(layer, kind)].highlight
                rect.setPos(0, i)
                rect.setVisible(True)
        for (l, kind), popout in self._popouts.items():
            if l == layer and kind in ("b", "grad_b"):
                popout.highlight(i, 0)

    def highlighted_bias(self) -> tuple[int, int] | None:
        return self._highlighted_bias

    # --- enlarged heatmaps ------------------------------------------------------------------
    def pop_out(self, layer: int, kind: str) -> HeatmapPopout:
        """Shows that matrix in its own window (raised if already open) and returns the window."""
        popout = self._popouts.get((layer, kind))
        if popout is None:
            panel = self._panel(layer, kind)
            popout = HeatmapPopout(layer, kind, panel.title, panel.shape,
                                   lambda i, j: self.cell_text(layer, kind, i, j), parent=self,
                                   shown_px=panel.plot.vb.size())
            popout.setWindowFlag(QtCore.Qt.WindowType.Window)
            self._popouts[(layer, kind)] = popout
            popout.finished.connect(lambda *_: self._popouts.pop((layer, kind), None))
            popout.destroyed.connect(lambda *_: self._popouts.pop((layer, kind), None))
            if kind in EDITABLE:  # a double-click on a cell sets it there too
                popout.cell_double_clicked.connect(
                    lambda i, j: self.parameter_edit_requested.emit(self._parameter(self._panel(layer, kind), i, j)))
            if panel.image.image is not None:
                popout.show_matrix(panel.image.image, settle=True)
            if self._highlighted and self._highlighted[0] == layer and kind in ("w", "grad_w"):
                popout.highlight(*self._highlighted[1:])
            elif self._highlighted_bias and self._highlighted_bias[0] == layer and kind in ("b", "grad_b"):
                popout.highlight(self._highlighted_bias[1], 0)
        popout.show()
        popout.raise_()
        return popout

    def popouts(self) -> dict[tuple[int, str], HeatmapPopout]:
        """The enlarged heatmaps open now, by (layer, kind)."""
        return dict(self._popouts)

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
