"""A plot's legend in the band above its data (the title row), never over the curves or bars.

pyqtgraph's addLegend() floats the legend inside the ViewBox, where it hides whatever data pass under
it; moving it around the newest point still covered the rest. Here it is a single row anchored to the
PlotItem's top right, in a title row kept LEGEND_ROW_PX tall for it.
"""
from __future__ import annotations

import pyqtgraph as pg

from ui import theme

LEGEND_ROW_PX = 24


def legend_above(plot_item: pg.PlotItem) -> pg.LegendItem:
    """A horizontal LegendItem in plot_item's title row (add entries with addItem as usual)."""
    if plot_item.titleLabel.text in (None, ""):
        plot_item.setTitle(" ")  # (an empty title collapses the row)
    plot_item.layout.setRowFixedHeight(0, LEGEND_ROW_PX)
    legend = pg.LegendItem(colCount=8, brush=theme.legend_brush(), pen=theme.legend_pen(),
                           verSpacing=-6, horSpacing=12)
    legend.layout.setContentsMargins(4, 0, 4, 0)
    legend.setParentItem(plot_item)
    legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 1))
    legend.setZValue(20)
    return legend


def legend_names(legend: pg.LegendItem) -> list[str]:
    return [label.text for _, label in legend.items]
