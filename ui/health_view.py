"""Gradient health: per layer ||dW|| and ||W|| over epochs, dead ReLUs, warnings, weight histograms.

Numbers and thresholds come from ``engine.health`` (see its docstring for why 1e-7 and 10). The history is
the run model's ``HealthTracker`` (``app.run_model`` records it whether or not this view is visible, so it has
no gaps); this view only draws it, at most MAX_FPS times a second and only while visible. Looking back at a
past moment, a cursor marks it on the curves and the table shows that moment's health.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from engine.epochs import steps_per_epoch
from engine.health import HealthTracker
from ui import theme
from ui.empty_state import EmptyState
from ui.log_axis import LogAxis
from ui.view_throttle import SnapshotThrottle

MAX_FPS = 3  # curves over epochs: a redraw of 27 curves costs ~4 ms, 3 a second reads as live
COLORS = {None: "#1d5c2e", "vanishing": "#b35900", "dead": "#8a6d00", "exploding": "#a01010"}
SUMMARIES = {
    "exploding": "Exploding gradients in {}: ||dW||/||W|| > 10, or huge or non-finite weights. "
                 "Lower the learning rate.",
    "vanishing": "Vanishing gradients in {}: ||dW||/||W|| < 1e-7, far below the output layer's. "
                 "These layers have stopped learning.",
    "dead": "Dead ReLUs in {}: at least half the units are <= 0 for every probe sample, so no gradient "
            "reaches them.",
}
COLUMNS = ("layer", "activation", "||W||", "||dW||", "||dW||/||W||", "dead ReLUs", "status")
PLOT_MIN_PX = 90  # per plot shown (title and axis included): in a short dock the table gives way, not the plots


def _number(value: float, fmt: str, exists: bool = True) -> str:
    """A table cell's number; "—" for one that does not exist yet (nan before the first step),
    while a diverged run's nan and inf stay what they are."""
    return format(value, fmt) if exists or math.isfinite(value) else "—"


class HealthView(QtWidgets.QWidget):
    """Draws ``tracker`` (an ``engine.health.HealthTracker`` someone else records); ``show_frame(frame, config,
    healths)`` marks the moment shown, ``healths`` its LayerHealth per layer (None: the tracker's latest)."""

    def __init__(self, tracker: HealthTracker, clock=None, parent=None):
        super().__init__(parent)
        self.warning_label = QtWidgets.QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setMargin(4)
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        # a read-out: no selection to paint over the warning colours
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        # compact rows (Qt's default is ~30 px): a short dock still shows four or five layers
        row_px = self.table.fontMetrics().height() + 6
        self.table.verticalHeader().setMinimumSectionSize(row_px)
        self.table.verticalHeader().setDefaultSectionSize(row_px)
        self.table.setMaximumHeight(row_px * 9 + 4)
        self.table.setMinimumHeight(row_px * 5 + 4)  # the header and four rows; more scroll
        self.layer_choice = QtWidgets.QComboBox()
        self.layer_choice.setToolTip("The layer whose weight distribution over time is shown")
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground(theme.BACKGROUND)
        self.graphics.setMinimumHeight(PLOT_MIN_PX * 2)
        self.norms = self.graphics.addPlot(row=0, col=0, title="||dW|| (solid) and ||W|| (dashed)",
                                           axisItems={"left": LogAxis("left")})
        self.norms.setLogMode(y=True)
        # no legend (9 entries hide the curves): the table's layer cells carry the curve colours
        self.dead_plot = self.graphics.addPlot(row=1, col=0, title="dead ReLU fraction")
        self.dead_plot.setYRange(0, 1)
        self.hist_plot = self.graphics.addPlot(row=2, col=0, title="weight distribution over time")
        for plot in (self.norms, self.dead_plot, self.hist_plot):
            plot.setLabel("bottom", "epoch")
            plot.setMenuEnabled(False)
            theme.style_grid(plot)
        self.hist_image = pg.ImageItem(axisOrder="row-major")
        self.hist_image.setLookupTable(pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256))
        self.hist_plot.addItem(self.hist_image)
        self.hist_plot.setLabel("left", "weight")
        for plot in (self.norms, self.dead_plot, self.hist_plot):
            for name in ("left", "bottom"):
                plot.getAxis(name).enableAutoSIPrefix(False)  # no "epoch (x0.001)" on a short history
        # until two records (the first step's gradients): a note over axes that read sensibly
        self.empty_states = [EmptyState(self.norms, y_range=(-3.0, 1.0)), EmptyState(self.dead_plot),
                             EmptyState(self.hist_plot, y_range=(-1.0, 1.0))]
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        choice = QtWidgets.QHBoxLayout()
        choice.addWidget(QtWidgets.QLabel("histogram of"))
        choice.addWidget(self.layer_choice)
        choice.addStretch(1)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.table)
        layout.addLayout(choice)
        layout.addWidget(self.graphics, 1)

        self.tracker = tracker  # recorded by the run model; this view only reads it
        self.clock = clock  # the run's engine.epochs.EpochClock (the run model's); None: one epoch length throughout
        self.data = None
        self._moment_healths = None
        self._cursors = []
        self._curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem]] = []
        self._relu: list[bool] = []  # per layer: has a dead-ReLU curve
        self._built_for = None  # (n_layers, activations) the curves, the table and the layer list were built for
        self.throttle = SnapshotThrottle(self, self._render, 1.0 / MAX_FPS)
        self.layer_choice.currentIndexChanged.connect(self.throttle.redraw)
        self._show_warnings([])
        self._show_empty(True)

    # --- inputs from the window ---------------------------------------------------------------
    def set_data(self, dataset) -> None:
        self.data = dataset

    def show_frame(self, frame, config=None, healths=None) -> None:
        """The moment shown (``engine.frame.Frame``); ``healths``: its health when it is a past moment."""
        self._moment_healths = None if frame.live else healths
        self.throttle.submit(frame, config)

    def _healths(self) -> list:
        return self._moment_healths if self._moment_healths is not None else self.tracker.latest

    def warnings(self) -> list[tuple[int, str, str]]:
        """(layer 1-based, kind, message) for every layer with a warning at the moment shown."""
        return [(h.layer + 1, h.warning, h.message) for h in self._healths() if h.warning]

    def showEvent(self, event):
        super().showEvent(event)
        self.throttle.flush()

    # --- drawing --------------------------------------------------------------------------------
    def _render(self, frame, config) -> None:
        t = self.tracker
        if not t.n_layers:
            return
        # per network, not per layer count: lr_too_high then dead_relu (three layers each) kept "w1 (tanh)"
        if self._built_for != (t.n_layers, tuple(frame.activations)):
            self._rebuild(frame)
        self._show_empty(t.n < 2)
        if t.n < 2:
            self._update_table(frame)
            self._show_warnings(self.warnings())
            return
        x = t.epochs
        for l, (grad, weight, dead) in enumerate(self._curves):
            for item, y in ((grad, t.grad_norms[:, l]), (weight, t.weight_norms[:, l])):
                ok = np.isfinite(y) & (y > 0)  # log axis: zeros and nan would warn and break the range
                item.setData(x[ok], y[ok])
            if self._relu[l]:
                y = t.dead[:, l]
                ok = np.isfinite(y)
                dead.setData(x[ok], y[ok])
        self._update_table(frame)
        self._show_warnings(self.warnings())
        self._draw_histogram()
        self._place_cursors(None if frame.live else frame.step, config)

    def _place_cursors(self, step, config) -> None:
        """A vertical line on each plot at the moment looked back at (hidden while live)."""
        if not self._cursors:
            for plot in (self.norms, self.dead_plot, self.hist_plot):
                line = pg.InfiniteLine(angle=90, movable=False, pen=theme.marker_pen())
                plot.addItem(line, ignoreBounds=True)
                self._cursors.append(line)
        if step is not None and self.clock is not None:  # right across data changes that resized the epochs
            epoch = self.clock.epoch_of(step)
        elif step is not None:
            d, per_epoch = self.data, 1
            if d is not None and config is not None and d.n_train:
                per_epoch = steps_per_epoch(d.n_train, config.batch_size or None)
            epoch = step / per_epoch
        for line in self._cursors:
            line.setVisible(step is not None)
            if step is not None:
                line.setPos(epoch)

    def _rebuild(self, frame) -> None:
        L = self.tracker.n_layers
        if self._cursors:  # clear() below takes two of them off their plots; the third goes too, all come back
            self.hist_plot.removeItem(self._cursors[2])
            self._cursors = []
        self.norms.clear()
        self.dead_plot.clear()
        self._curves = []
        for l in range(L):
            color = pg.intColor(l, hues=max(L, 2))
            grad = self.norms.plot(pen=pg.mkPen(color, width=2))
            weight = self.norms.plot(pen=pg.mkPen(color, width=1, style=QtCore.Qt.PenStyle.DashLine))
            dead = self.dead_plot.plot(pen=pg.mkPen(color, width=2))
            self._curves.append((grad, weight, dead))
        self._relu = [a.split(":")[0] == "relu" for a in frame.activations]
        self._built_for = (L, tuple(frame.activations))
        self.dead_plot.setVisible(any(self._relu))
        self.graphics.setMinimumHeight(PLOT_MIN_PX * (2 + any(self._relu)))
        self.table.setColumnHidden(COLUMNS.index("dead ReLUs"), not any(self._relu))  # room in a narrow dock
        blocked = self.layer_choice.blockSignals(True)
        self.layer_choice.clear()
        self.layer_choice.addItems([f"w{l + 1} ({frame.activations[l]})" for l in range(L)])
        self.layer_choice.blockSignals(blocked)
        self.table.setRowCount(L)
        for r in range(L):
            for c in range(len(COLUMNS)):
                self.table.setItem(r, c, QtWidgets.QTableWidgetItem())
            # the curve colour as a swatch beside the name, which keeps the table's own text colour: as the
            # text itself it read poorly (blue on black) or not at all (red on a warning's orange)
            self.table.item(r, 0).setData(QtCore.Qt.ItemDataRole.DecorationRole, pg.intColor(r, hues=max(L, 2)))
            self.table.item(r, 0).setToolTip("the colour of this layer's curves")

    def _show_empty(self, empty: bool) -> None:
        for state in self.empty_states:
            if state.empty != empty:
                state.show(empty)
        self.hist_image.setVisible(not empty)
        if empty:
            for curves in self._curves:
                for item in curves:
                    item.setData([], [])

    def _update_table(self, frame) -> None:
        for h in self._healths():
            # nan before the first step: no gradient yet (a diverged layer has its warning instead)
            trained = math.isfinite(h.grad_norm) or h.warning is not None
            cells = (f"w{h.layer + 1}", frame.activations[h.layer], _number(h.weight_norm, ".3g"),
                     _number(h.grad_norm, ".3g", trained), _number(h.ratio, ".2e", trained),
                     "" if h.dead_fraction is None else f"{h.dead_fraction:.0%}",
                     h.warning or ("ok" if trained else "not trained yet"))
            brush = QtGui.QBrush(QtGui.QColor(COLORS[h.warning])) if h.warning else QtGui.QBrush()
            text_brush = QtGui.QBrush(QtGui.QColor("white")) if h.warning else QtGui.QBrush()  # as the banner
            for c, text in enumerate(cells):
                item = self.table.item(h.layer, c)
                item.setText(text)
                item.setBackground(brush)
                item.setForeground(text_brush)

    def _show_warnings(self, warnings) -> None:
        worst = next((k for k in ("exploding", "vanishing", "dead") if any(w[1] == k for w in warnings)), None)
        lines = []
        for kind, text in SUMMARIES.items():
            layers = [f"w{w[0]}" for w in warnings if w[1] == kind]
            if layers:
                lines.append(text.format(", ".join(layers)))
        self.warning_label.setText("\n".join(lines) if lines else "All layers healthy")
        self.warning_label.setToolTip("\n".join(w[2] for w in warnings))
        if getattr(self, "warning_kind", "") != worst:  # a style sheet change re-polishes: only on change
            self.warning_label.setStyleSheet(f"background:{COLORS[worst]}; color:white")
        self.warning_kind = worst

    def _draw_histogram(self) -> None:
        t, l = self.tracker, max(self.layer_choice.currentIndex(), 0)
        if l >= t.n_layers or t.n == 0:
            return
        img = np.sqrt(t.histogram(l).T)  # (bins, records); sqrt lifts the tails into view
        self.hist_image.setImage(img, autoLevels=False, levels=(0.0, max(float(img.max()), 1e-6)))
        e = t.epochs
        r = t.ranges[l]
        width = max(float(e[-1] - e[0]), 1e-9)
        self.hist_image.setRect(QtCore.QRectF(float(e[0]), -r, width, 2 * r))
