"""The runs kept for comparison, drawn over the loss plot: each run's train loss solid and its test loss dashed,
in a colour of its own, labelled by what differs from the current run in a legend of their own inside the plot
(one entry per run; the legend row above the plot has room for the current run's two only), in the corner where
it hides the fewest points of the curves: at 1024 px the bottom left covered the plateau every run crossed.

Only draws: the labels and the runs come from the run model (``RunModel.pinned``, ``pinned_labels()``). The
curves follow the plot's log switch and the plot's view follows them as it follows its own (``LossPlot.extra_curves``, each a
GrowingCurve holding its log10 too).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ui import theme
from ui.growing_curve import GrowingCurve

# where the legend may go: (itemPos, parentPos, offset px) for LegendItem.anchor; the top right is the row above's
CORNERS = {"bottom left": ((0, 1), (0, 1), (6, -6)), "top left": ((0, 0), (0, 0), (6, 6)),
           "bottom right": ((1, 1), (1, 1), (-6, -6))}
SAMPLE = 400  # points of each curve looked at when choosing the corner

# colour-blind safe (Okabe-Ito without the train/test orange and sky blue), then two greys; the first runs kept
# get the hues farthest from the live orange and sky blue (a new user found yellow and blue read as the live run's)
PINNED_COLORS = ("#009E73", "#CC79A7", "#FFFFFF", "#F0E442", "#0072B2", "#D55E00", "#999999", "#7FFFD4")


def pinned_color(index: int) -> str:
    return PINNED_COLORS[index % len(PINNED_COLORS)]


class PinnedOverlay:
    """Curves of pinned runs on ``loss_plot`` (a ui.loss_plot.LossPlot)."""

    def __init__(self, loss_plot):
        self.loss_plot = loss_plot
        self._items: list[tuple[pg.PlotDataItem, str, GrowingCurve]] = []
        self._runs: list = []
        self._labels: list[str] = []
        self._log = loss_plot.log_scale()
        self.legend = pg.LegendItem(colCount=1, brush=theme.legend_brush(), pen=theme.legend_pen(), verSpacing=-6)
        self.legend.setParentItem(loss_plot.plot_item.vb)
        self.legend.anchor(itemPos=(0, 1), parentPos=(0, 1), offset=(6, -6))
        self.legend.setZValue(20)
        self.legend.setVisible(False)
        self.corner = "bottom left"
        # the log switch (checkbox or View menu) always moves the view: redraw when it changed the scale
        loss_plot.plot_item.vb.sigRangeChanged.connect(self._on_range_changed)

    def _on_range_changed(self, *_) -> None:
        if self.loss_plot.log_scale() != self._log:
            self._redraw()
        self._place_legend()

    def hidden_points(self, corner: str) -> int:
        """How many of the curves' points (each curve sampled at SAMPLE points at most, in view coordinates) the
        legend would cover in ``corner``."""
        vb = self.loss_plot.plot_item.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        size = self.legend.boundingRect()
        w = (size.width() + 6) * (x1 - x0) / max(vb.width(), 1.0)
        h = (size.height() + 6) * (y1 - y0) / max(vb.height(), 1.0)
        left, bottom = "left" in corner, "bottom" in corner
        xs = (x0, x0 + w) if left else (x1 - w, x1)
        ys = (y0, y0 + h) if bottom else (y1 - h, y1)
        hidden = 0
        for item in self.loss_plot.plot_item.listDataItems():
            x, y = item.getOriginalDataset()
            if x is None or not len(x):
                continue
            step = max(len(x) // SAMPLE, 1)
            x, y = np.asarray(x[::step], np.float64), np.asarray(y[::step], np.float64)
            hidden += int(np.count_nonzero((x >= xs[0]) & (x <= xs[1]) & (y >= ys[0]) & (y <= ys[1])))
        return hidden

    def _place_legend(self) -> None:
        """Into the corner hiding the fewest points (the current one while no other hides fewer: no flapping)."""
        if not self.legend.isVisible():
            return
        counts = {corner: self.hidden_points(corner) for corner in CORNERS}
        best = min(counts, key=lambda c: (counts[c], c != self.corner))
        if best != self.corner:
            self.corner = best
            item_pos, parent_pos, offset = CORNERS[best]
            self.legend.anchor(itemPos=item_pos, parentPos=parent_pos, offset=offset)

    def set_runs(self, runs: list, labels: list[str]) -> None:
        """runs: engine.pinned.PinnedRun (train_losses (e,), test_losses (e,) or (0,), shown); labels: one each."""
        self._runs, self._labels = list(runs), list(labels)
        self._redraw()

    def curves(self) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
        """(legend label, "train" | "test", epochs (e,), loss (e,)) of every curve drawn, for tests."""
        return [(item.opts["name"], kind, buf.x, buf.y) for item, kind, buf in self._items]

    def _redraw(self, *_) -> None:
        lp = self.loss_plot
        self.legend.clear()
        for item, _, _ in self._items:
            lp.plot_item.removeItem(item)
        self._items = []
        log = self._log = lp.log_scale()
        for i, (run, text) in enumerate(zip(self._runs, self._labels)):
            if not run.shown:
                continue
            for kind, losses in (("train", run.train_losses), ("test", run.test_losses)):
                if len(losses) == 0:
                    continue
                buf = GrowingCurve(len(losses))
                buf.extend(np.arange(1, len(losses) + 1, dtype=np.int64), np.asarray(losses, np.float64))
                style = Qt.PenStyle.SolidLine if kind == "train" else Qt.PenStyle.DashLine
                name = f"{text} {kind}"  # (the legend shows the run once: its train line and its label)
                item = pg.PlotDataItem(buf.x, buf.log_y if log else buf.y, name=name, connect="finite",
                                       pen=pg.mkPen(pinned_color(i), width=1.5, style=style))
                lp.plot_item.addItem(item)  # first: clipping to the view needs the view
                item.setDownsampling(auto=True, method="peak")
                item.setClipToView(True)
                item.setZValue(-1)  # under the current run's curves
                if kind == "train":
                    self.legend.addItem(item, text)
                self._items.append((item, kind, buf))
        self.legend.setVisible(bool(self._items))
        self._place_legend()
        lp.extra_curves = [buf for _, _, buf in self._items]
        if lp.following():
            lp.auto_range()  # (its new range comes back here with the scale unchanged: no second redraw)
