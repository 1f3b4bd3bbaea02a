"""The network drawn as a graph: nodes by layer, an edge per weight, biases as rings on the nodes.

Edges are red for positive and blue for negative weights (the heatmaps' CET-D1 ends) and thicker the
larger |w| is; a node's fill is its activation for the chosen sample, its ring its bias. Edges are
drawn as a few ``PlotDataItem``s with ``connect="pairs"`` (one per sign and width class), never one
item per edge. Columns wider than MAX_NODES are summarised (evenly spaced units plus a "+N" marker,
and always the selected ones) and at most MAX_EDGES edges per weight layer are drawn, the largest
|w| first, so a 512-wide layer costs what a 48-wide one does.

Layer numbers in signals and methods are 1-based, as in the tutorial (w1 .. wL) and ``HeatmapGrid``.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ui import theme
from ui.graph_unit_maps import GraphUnitMaps
from ui.hover_tooltip import HoverTooltip
from ui.view_throttle import SnapshotThrottle

MAX_NODES = 48
MARKER_Y = -0.55  # the top of the "+N more" note under a summarised column
Y_RANGE = (-0.75, 0.62)  # room for the note's two lines below the lowest unit, and above the top one for its map
SPREAD = 0.25  # the largest gap between two units of a column: a column of few units spreads up to this


def _marker_font() -> QtGui.QFont:
    font = QtGui.QFont()
    font.setPointSizeF(8.0)
    return font
MAX_EDGES = 400
WIDTHS = (0.7, 1.4, 2.4, 3.8)  # px, for |w| in the 1st..4th quarter of the network's largest |w|
NODE_PX = 13
HIT_PX = 5  # how close (in pixels) a click must be to an edge
MAX_FPS = 5  # a redraw costs ~2-3 ms (nine setData calls): 5 a second is smooth enough for weights
LEVELS = 21  # quantised fill colours: brushes are made once, not per node per frame


class NetworkGraph(QtWidgets.QWidget):
    weight_selected = QtCore.Signal(int, int, int)  # layer (1-based), i (output unit), j (input unit)
    bias_selected = QtCore.Signal(int, int)  # layer (1-based), i
    weight_edit_requested = QtCore.Signal(int, int, int)  # a double-click on edge w_layer[i, j]: set its value
    unit_chosen = QtCore.Signal(int, int)  # column (0 = inputs), unit: show its map in the Output view
    marker_y = MARKER_Y  # (for the unit maps, which keep clear of the note)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sample = QtWidgets.QSpinBox()
        self.sample.setPrefix("activations of sample ")
        self.sample.setToolTip("The training sample whose activations colour the nodes")
        hint = QtWidgets.QLabel("click an edge for its weight, a node for its bias")
        hint.setWordWrap(True)  # in a narrow dock it takes two lines rather than widening the dock
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(self.sample)
        bar.addWidget(hint)
        bar.addStretch(1)
        self.plot = pg.PlotWidget(background=theme.BACKGROUND)
        self.plot.setMenuEnabled(False)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.hideButtons()
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

        cmap = theme.diverging_colormap()
        pos, neg = cmap.map(0.92, mode="qcolor"), cmap.map(0.08, mode="qcolor")
        self._edge_items = {}
        for sign, color in ((1, pos), (-1, neg)):
            for c, width in enumerate(WIDTHS):
                item = pg.PlotDataItem(pen=pg.mkPen(color, width=width), connect="pairs")
                self.plot.addItem(item)
                self._edge_items[(sign, c)] = item
        # object arrays, so a frame's brushes and pens are one fancy-indexing each
        self._brush_table = np.array([pg.mkBrush(cmap.map(t, mode="qcolor")) for t in np.linspace(0, 1, LEVELS)] +
                                     [None])[:-1]
        self._pen_table = np.array([pg.mkPen(pos, width=1 + c) for c in range(4)] +
                                   [pg.mkPen(neg, width=1 + c) for c in range(4)] + [pg.mkPen("#777777", width=1)] +
                                   [None])[:-1]
        self.nodes = pg.ScatterPlotItem(size=NODE_PX, pxMode=True)
        self.band = pg.LinearRegionItem(values=(0, 1), movable=False, brush=(0, 255, 102, 45),
                                        pen=pg.mkPen(None))
        self.band.setVisible(False)
        self.band.setZValue(-20)
        self.selected_edge = pg.PlotDataItem(pen=pg.mkPen(theme.HIGHLIGHT_COLOR, width=4))
        self.selected_node = pg.ScatterPlotItem(size=NODE_PX + 10, pen=pg.mkPen(theme.HIGHLIGHT_COLOR, width=3),
                                                brush=None, pxMode=True)
        for item in (self.band, self.nodes, self.selected_edge, self.selected_node):
            self.plot.addItem(item)
        self._markers: list[pg.TextItem] = []
        self.unit_maps = GraphUnitMaps(self)  # each unit's activation over the plane (2-D datasets)

        self.data = None
        self._sizes: tuple = ()
        self._shown: list[np.ndarray] = []  # per column k: the unit indices drawn
        self._ypos: list[np.ndarray] = []  # per column k: their y positions
        self.pitch: list[float] = []  # per column k: the distance between two of its units (view units)
        self._edges = np.empty((0, 4))  # drawn edges: x0, y0, x1, y1
        self._edge_ids = np.empty((0, 3), np.int64)  # their (layer 0-based, i, j)
        self._edge_w = np.empty(0)
        self._node_xy = np.empty((0, 2))
        self._node_ids: list[tuple[int, int]] = []
        self._nodes_placed = False
        self._node_px = float(NODE_PX)
        self.selected = None  # ("w", layer, i, j) or ("b", layer, i), 1-based layer
        self.highlighted_layer = None
        self.throttle = SnapshotThrottle(self, self._render, 1.0 / MAX_FPS)
        self.sample.valueChanged.connect(self.throttle.redraw)
        # connected directly, not through pg.SignalProxy: its timer can fire after this widget is
        # deleted (a crash seen in the tests); the hit test is cheap enough for every mouse move
        scene = self.plot.scene()
        self.tooltip = HoverTooltip(self.plot, lambda pos: self.hover_text(self.hit(pos)))  # stays while resting
        self.tooltip.left.connect(self.unit_maps.hover)  # (no unit): the enlarged map goes with the mouse
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    # --- inputs from the window ---------------------------------------------------------------
    def set_data(self, dataset) -> None:
        """engine.datasets.Dataset whose training samples the node activations are shown for."""
        self.data = dataset
        self.sample.setRange(0, max(dataset.n_train - 1, 0))
        self.unit_maps.hover(None)  # a new network: the old one's unit is not under the mouse any more
        self.throttle.redraw()

    def show_frame(self, frame, config=None) -> None:
        self.throttle.submit(frame, config)

    def select_weight(self, layer: int, i: int, j: int) -> None:
        """Outline edge w_layer[i, j] (1-based layer); does not emit (the caller already knows)."""
        self.selected = ("w", int(layer), int(i), int(j))
        self._refresh_selection()

    def select_bias(self, layer: int, i: int) -> None:
        self.selected = ("b", int(layer), int(i))
        self._refresh_selection()

    def highlight_layer(self, layer: int | None) -> None:
        """Shade weight layer ``layer`` (1-based: the edges of w_layer and the nodes they feed); None clears."""
        self.highlighted_layer = layer
        if layer is None or not self._sizes or not 1 <= layer < len(self._sizes):
            self.band.setVisible(False)
            return
        self.band.setRegion((layer - 1, layer))
        self.band.setVisible(True)

    def edge_position(self, layer: int, i: int, j: int) -> tuple[float, float] | None:
        """Midpoint (view coordinates) of the drawn edge w_layer[i, j], None if it is not drawn."""
        hit = np.flatnonzero((self._edge_ids == (layer - 1, i, j)).all(axis=1))
        if not hit.size:
            return None
        x0, y0, x1, y1 = self._edges[hit[0]]
        return (x0 + x1) / 2, (y0 + y1) / 2

    def node_position(self, column: int, unit: int) -> tuple[float, float] | None:
        where = np.flatnonzero(self._shown[column] == unit) if column < len(self._shown) else []
        return (float(column), float(self._ypos[column][where[0]])) if len(where) else None

    def n_edges_drawn(self) -> int:
        return len(self._edges)

    def showEvent(self, event):
        super().showEvent(event)
        self.throttle.flush()

    # --- layout -------------------------------------------------------------------------------
    def _layout(self, sizes) -> None:
        """Choose the units drawn per column (all, or evenly spaced plus the selected ones)."""
        keep = [set() for _ in sizes]
        if self.selected and 1 <= self.selected[1] < len(sizes):
            kind, layer, i = self.selected[:3]
            if i < sizes[layer]:
                keep[layer].add(i)
            if kind == "w" and self.selected[3] < sizes[layer - 1]:
                keep[layer - 1].add(self.selected[3])
        self._shown = []
        for n, extra in zip(sizes, keep):
            units = np.arange(n) if n <= MAX_NODES else np.linspace(0, n - 1, MAX_NODES).astype(np.int64)
            self._shown.append(np.union1d(units, np.fromiter(extra, np.int64, len(extra))))
        tallest = max(len(s) for s in self._shown)
        pitch = 1.0 / max(tallest - 1, 1)
        # a column of few units (the inputs, the outputs) spreads out, so its unit maps get room of their own:
        # at the tallest column's spacing the two inputs of spiral were 8 px apart and their maps one on the other
        self.pitch = [max(pitch, min(SPREAD, 1.0 / max(len(s) - 1, 1))) for s in self._shown]
        self._ypos = [((len(s) - 1) / 2 - np.arange(len(s))) * p for s, p in zip(self._shown, self.pitch)]
        for marker in self._markers:
            self.plot.removeItem(marker)
        self._markers = []
        for k, (n, s) in enumerate(zip(sizes, self._shown)):
            if n > len(s):
                # two short lines, narrower than the gap between columns: "+463 more" on one line ran
                # into its neighbour's "+464 more" in a 512-wide network
                marker = pg.TextItem(f"+{n - len(s)}\nmore", color="#BBBBBB", anchor=(0.5, 0))
                marker.setFont(_marker_font())
                marker.textItem.document().setDefaultTextOption(QtGui.QTextOption(QtCore.Qt.AlignmentFlag.AlignHCenter))
                marker.setPos(k, MARKER_Y)
                self.plot.addItem(marker)
                self._markers.append(marker)
        self._sizes = tuple(sizes)
        columns = [np.full(len(u), float(k)) for k, u in enumerate(self._shown)]
        self._node_xy = np.column_stack([np.concatenate(columns), np.concatenate(self._ypos)])
        self._node_ids = [(k, int(u)) for k, units in enumerate(self._shown) for u in units]
        self._nodes_placed = False
        # as large as the tallest column leaves room for: 13 px, down to 5 px for 48 units in 400 px
        self._node_px = float(np.clip(0.8 * self.plot.height() / max(tallest, 1), 5, NODE_PX))
        self.nodes.setSize(self._node_px)
        self.highlight_layer(self.highlighted_layer)

    def _selection_needs_layout(self) -> bool:
        if not self.selected or not self._shown or not 1 <= self.selected[1] < len(self._shown):
            return False
        kind, layer, i = self.selected[:3]
        need = [(layer, i)] + ([(layer - 1, self.selected[3])] if kind == "w" else [])
        return any(u < self._sizes[k] and u not in self._shown[k] for k, u in need)

    # --- drawing ------------------------------------------------------------------------------
    def _render(self, frame, config) -> None:
        sizes = tuple(frame.sizes)
        if sizes != self._sizes or self._selection_needs_layout():
            self._layout(sizes)
            self.plot.setRange(xRange=(-0.3, len(sizes) - 0.7), yRange=Y_RANGE, padding=0)
        net = frame.network  # (an engine.frame.Frame: its network is built once for every view)
        self._draw_edges(net, frame.grad_w)
        self._draw_nodes(net)
        self.unit_maps.draw(frame)
        self._refresh_selection()

    def _draw_edges(self, net, grad_w) -> None:
        edges, ids, ws, gs = [], [], [], []
        for l, w in enumerate(net.weights):
            src, dst = self._shown[l], self._shown[l + 1]
            sub = w[np.ix_(dst, src)]
            ii, jj = np.divmod(np.arange(sub.size), sub.shape[1])
            if sub.size > MAX_EDGES:  # thin to the largest |w|: those carry most of the signal
                top = np.argpartition(np.nan_to_num(np.abs(sub.ravel()), nan=np.inf), -MAX_EDGES)[-MAX_EDGES:]
                ii, jj = ii[top], jj[top]
            y0, y1 = self._ypos[l][jj], self._ypos[l + 1][ii]
            edges.append(np.column_stack([np.full(len(ii), l), y0, np.full(len(ii), l + 1), y1]))
            ids.append(np.column_stack([np.full(len(ii), l), dst[ii], src[jj]]))
            ws.append(sub[ii, jj])
            gs.append(np.asarray(grad_w[l])[dst[ii], src[jj]])
        self._edges, self._edge_ids = np.vstack(edges), np.vstack(ids).astype(np.int64)
        self._edge_w, self._edge_g = np.concatenate(ws), np.concatenate(gs)
        mag = np.abs(self._edge_w)
        finite = np.isfinite(mag)
        top = mag[finite].max() if finite.any() else 1.0
        cls = np.minimum((np.where(finite, mag, top) / (top or 1.0) * 4).astype(np.int64), 3)
        sign = np.where(self._edge_w >= 0, 1, -1)
        for (s, c), item in self._edge_items.items():
            e = self._edges[(sign == s) & (cls == c)]
            item.setData(e[:, [0, 2]].ravel(), e[:, [1, 3]].ravel())  # x0, x1, x0, x1, ... as pairs

    def _draw_nodes(self, net) -> None:
        acts = None
        if self.data is not None and self.data.n_features == net.sizes[0]:
            s = min(self.sample.value(), self.data.n_train - 1)
            with np.errstate(all="ignore"):
                _, zs, acts = net.forward(self.data.X_train[:, s:s + 1], trace=True)
            self._trace = (net, zs, acts)  # for the hovered unit's sum written out (ui/unit_sum.py)
        levels, rings, values, biases = [], [], [], []
        bmax = max((float(np.nanmax(np.abs(b))) for b in net.biases), default=0.0) or 1.0
        for k, units in enumerate(self._shown):
            a = acts[k][units, 0] if acts is not None else np.zeros(len(units))
            bounded = k > 0 and net.activations[k - 1].name in ("sigmoid", "softmax")
            scale = 1.0 if bounded else (np.nanmax(np.abs(a)) if len(a) else 1.0) or 1.0
            level = np.nan_to_num((np.clip(a / scale, -1, 1) + 1) / 2 * (LEVELS - 1), nan=LEVELS // 2)
            levels.append(np.rint(level).astype(np.int64))
            values.append(a)
            if k == 0:  # inputs have no bias: the grey ring at the end of the pen table
                rings.append(np.full(len(units), len(self._pen_table) - 1))
                biases.append(np.full(len(units), np.nan))
                continue
            b = net.biases[k - 1][units, 0]
            width = np.minimum((np.abs(np.nan_to_num(b)) / bmax * 4).astype(np.int64), 3)
            rings.append(width + 4 * (b < 0))
            biases.append(b)
        brushes = self._brush_table[np.concatenate(levels)].tolist()
        pens = self._pen_table[np.concatenate(rings)].tolist()
        if self._nodes_placed:  # positions are unchanged since the layout: only the colours
            self.nodes.setBrush(brushes, update=False)  # one spot update, after the pens
            self.nodes.setPen(pens)
        else:
            self.nodes.setData(x=self._node_xy[:, 0], y=self._node_xy[:, 1], brush=brushes, pen=pens)
            self._nodes_placed = True
        self._node_values, self._node_bias = np.concatenate(values), np.concatenate(biases)
        self._node_acts = [None] + [f.name for f in net.activations]

    def _refresh_selection(self) -> None:
        self.selected_edge.setData([], [])
        self.selected_node.setData([], [])
        if not self.selected or not self._shown:
            return
        if self._selection_needs_layout() and self.throttle.latest is not None:
            self.throttle.redraw()  # lay out again so the selected units are drawn
            return
        if self.selected[0] == "w":
            _, layer, i, j = self.selected
            a, b = self.node_position(layer - 1, j), self.node_position(layer, i)
            if a and b:
                self.selected_edge.setData([a[0], b[0]], [a[1], b[1]])
        else:
            p = self.node_position(self.selected[1], self.selected[2])
            if p:
                self.selected_node.setData([p[0]], [p[1]])

    # --- mouse --------------------------------------------------------------------------------
    def hit(self, scene_pos) -> tuple | None:
        """("node", column, unit) or ("edge", layer 1-based, i, j) under a scene position, or None."""
        vb = self.plot.getViewBox()
        if not len(self._edges) or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        sx, sy = vb.viewPixelSize()
        d = np.hypot((self._node_xy[:, 0] - p.x()) / sx, (self._node_xy[:, 1] - p.y()) / sy)
        k = int(np.argmin(d))
        if d[k] <= self._node_px / 2 + 2:
            return ("node",) + self._node_ids[k]
        e = self._edges / (sx, sy, sx, sy)
        px, py = p.x() / sx, p.y() / sy
        vx, vy = e[:, 2] - e[:, 0], e[:, 3] - e[:, 1]
        t = np.clip(((px - e[:, 0]) * vx + (py - e[:, 1]) * vy) / np.maximum(vx * vx + vy * vy, 1e-12), 0, 1)
        dist = np.hypot(e[:, 0] + t * vx - px, e[:, 1] + t * vy - py)
        k = int(np.argmin(dist))
        if dist[k] > HIT_PX:
            return None
        l, i, j = self._edge_ids[k]
        return ("edge", int(l) + 1, int(i), int(j))

    def hover_text(self, hit) -> str:
        if hit is None:
            return ""
        if hit[0] == "node":
            n = self._node_ids.index(hit[1:])
            k, u = hit[1:]
            if k == 0:
                names = list(getattr(self.data, "feature_names", None) or [])
                named = f" ({names[u]})" if u < len(names) and names[u] != f"x[{u}]" else ""  # which feature
                return f"x[{u}]{named} = {self._node_values[n]:.4g}"
            if getattr(self, "_trace", None) is not None:
                return self._sum_text(k, u)
            return (f"a{k}[{u}] = {self._node_values[n]:.4g} ({self._node_acts[k]}); "
                    f"bias b{k}[{u}] = {self._node_bias[n]:.4g}")
        k = int(np.flatnonzero((self._edge_ids == (hit[1] - 1, hit[2], hit[3])).all(axis=1))[0])
        return f"w{hit[1]}[{hit[2]}, {hit[3]}] = {self._edge_w[k]:.4g}; gradient {self._edge_g[k]:.4g}"

    def _sum_text(self, k: int, u: int) -> str:
        """Unit u of column k's z = sum w a + b for the sample shown, with the numbers."""
        from ui.unit_sum import unit_sum_text
        net, zs, acts = self._trace  # of the frame drawn, which the node fills show
        return unit_sum_text(k, u, net.weights[k - 1][u], acts[k - 1][:, 0], float(net.biases[k - 1][u, 0]),
                             float(zs[k - 1][u, 0]), float(acts[k][u, 0]), self._node_acts[k])

    def _on_mouse_moved(self, scene_pos) -> None:
        hit = self.hit(scene_pos)
        self.unit_maps.hover(*(hit[1:] if hit is not None and hit[0] == "node" else (None,)))
        self.tooltip.moved(scene_pos, self.hover_text(hit))  # one hit test a move

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        hit = self.hit(event.scenePos())
        if hit is None:
            return
        if hit[0] == "edge" and event.double():
            self.weight_edit_requested.emit(*hit[1:])
            return
        if hit[0] == "edge":
            self.select_weight(*hit[1:])
            self.weight_selected.emit(*hit[1:])
        else:
            if self.unit_maps.images:  # a unit with a map: the Output view shows it large
                self.unit_chosen.emit(hit[1], hit[2])
            if hit[1] > 0:  # a bias belongs to every node but the inputs
                self.select_bias(hit[1], hit[2])
                self.bias_selected.emit(hit[1], hit[2])
