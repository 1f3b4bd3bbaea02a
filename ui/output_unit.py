"""The Output view while it shows one unit's map in place of the network's output (a unit clicked in the graph):
the map, the bar above it naming the unit with its colour scale and the way back (``ui.unit_bar``), and a legend
that says what the colours are ("a1[2] > 0 / a1[2] < 0"), not the classes the output's colours were."""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg

from ui.unit_bar import UnitBar
from ui.unit_map_images import legend_entries, scale_colors, unit_images, unit_label, unit_name


class OutputUnit:
    """Owned by an ``OutputView`` (``view``): ``show(unit)`` when the unit shown changes, ``image(frame)`` the RGB
    map (res, res, 3) to draw for the frame, or None to draw the output."""

    def __init__(self, view):
        self.view = view
        self.bar = UnitBar()
        self.bar.hide()
        self.bar.output_requested.connect(view.output_requested)
        self._legend_key = None  # what the legend shows now: (unit, activation), or None for the classes
        self._swatches: list[pg.ScatterPlotItem] = []

    def show(self, unit: tuple | None) -> None:
        self.bar.setVisible(unit is not None and self.view.mode == "plane")
        if unit is None and self._legend_key is not None:
            self._legend_key = None
            if self.view.mode == "plane":  # (a new dataset of another kind has its own legend already)
                self.view.class_legend()

    def image(self, frame, acts: list) -> np.ndarray | None:
        """``acts`` the activations of every layer over the view's grid (acts[0] the inputs), (n_k, res * res)."""
        view, unit = self.view, self.view.unit
        if unit is None:
            return None
        k, u = unit
        res = view.resolution
        if k >= len(acts) or u >= acts[k].shape[0] or acts[k].shape[1] != res * res:
            return None
        names = [a.partition(":")[0] for a in frame.activations]
        act = None if k == 0 else names[k - 1]
        features = view.data.feature_names
        values, colors = scale_colors(acts[k][u], act, u)
        self.bar.show_unit(unit_name(k, u, names, features), values, colors)
        self._show_legend(unit, act, unit_label(k, u, features) if k == 0 else "a")  # short: the bar names it
        return unit_images(acts[k][u:u + 1], act, res, [u])[0]

    def _show_legend(self, unit, act, label: str) -> None:
        if self._legend_key == (unit, act):
            return
        self._legend_key = (unit, act)
        legend = self.view.legend
        legend.clear()
        entries = legend_entries(label, act, unit[1], list(self.view.data.target_names))
        self._swatches = [pg.ScatterPlotItem(size=10, symbol="s", pen=pg.mkPen("w", width=0.5),
                                             brush=pg.mkBrush(*color)) for _, color in entries]
        for swatch, (text, _) in zip(self._swatches, entries):
            legend.addItem(swatch, html.escape(text))  # (a legend's label is HTML: "a < 0" lost its "< 0")
