"""Colours, pens and colormaps shared by the plots, so the loss curves and heatmaps agree everywhere; the
application-wide tooltip style; and the one way a widget gets the plots' dark background.

Tooltips: Qt styles a tooltip with the style sheets of the widget it is shown for and its parents, so a
selector-less dark rule on a plot's area (``background: black``) reached the tooltip and drew black text
on black. The plots' dark ground is therefore a rule that names its widget (``dark_background``), which
no tooltip matches, and every tooltip gets one palette (``apply_tooltip_style``), whatever the desktop's
theme.
"""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

# Okabe-Ito orange/blue: distinguishable for the common colour-vision deficiencies.
TRAIN_COLOR = "#E69F00"
TEST_COLOR = "#56B4E9"
CROSSHAIR_COLOR = "#999999"
BACKGROUND = "#000000"
# Opaque, pre-blended with the background: Qt's raster engine draws translucent lines ~10x slower
# than opaque ones, and a translucent grid alone cost 5-8 ms per frame of the loss plot.
GRID_COLOR = "#333333"
HIGHLIGHT_COLOR = "#00FF66"  # must stand out against both ends and the grey middle of CET-D1
# Translucent: a curve passing under the legend stays visible (a few dozen px of fill cost nothing,
# unlike translucent lines across the whole plot, see GRID_COLOR).
LEGEND_FILL = (0, 0, 0, 170)

DIVERGING_MAP = "CET-D1"
TOOLTIP_BASE, TOOLTIP_TEXT = "#ffffdc", "#000000"  # black on pale yellow: readable on any ground behind


def apply_tooltip_style() -> None:
    """Every tooltip of the application: black text on pale yellow (QToolTip's palette is global)."""
    palette = QtWidgets.QToolTip.palette()
    for group in (QtGui.QPalette.ColorGroup.Active, QtGui.QPalette.ColorGroup.Inactive,
                  QtGui.QPalette.ColorGroup.Disabled):
        palette.setColor(group, QtGui.QPalette.ColorRole.ToolTipBase, QtGui.QColor(TOOLTIP_BASE))
        palette.setColor(group, QtGui.QPalette.ColorRole.ToolTipText, QtGui.QColor(TOOLTIP_TEXT))
        palette.setColor(group, QtGui.QPalette.ColorRole.Window, QtGui.QColor(TOOLTIP_BASE))
        palette.setColor(group, QtGui.QPalette.ColorRole.WindowText, QtGui.QColor(TOOLTIP_TEXT))
    QtWidgets.QToolTip.setPalette(palette)


def dark_background(widget: QtWidgets.QWidget) -> None:
    """Fill ``widget`` with the plots' BACKGROUND by a rule naming it alone (see the module's note)."""
    if not widget.objectName():
        widget.setObjectName(f"darkGround{id(widget):x}")
    widget.setStyleSheet(f"#{widget.objectName()} {{ background: {BACKGROUND}; }}")


def format_value(value: float) -> str:
    """Four decimals where that is readable (0.0123, -0.0012), scientific notation for very small
    or large magnitudes (1.234e-07), for losses, weights and gradients alike."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0.0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"
    return f"{value:.3e}"


def style_grid(plot_item: pg.PlotItem) -> None:
    """Grid lines at major and minor ticks, opaque (see GRID_COLOR)."""
    plot_item.showGrid(x=True, y=True, alpha=1.0)
    for name in ("left", "bottom"):
        axis = plot_item.getAxis(name)
        # tickAlpha=255 stops pyqtgraph from fading the lines with alpha; maxTickLevel=1 drops
        # the third level, which on a log axis is a dense mesh of lines that says little.
        axis.setStyle(tickAlpha=255, maxTickLevel=1)
        axis.setTickPen(pg.mkPen(GRID_COLOR))
        # below the ViewBox (z -100), whose background is transparent: the grid stays behind the
        # curves and the crosshair instead of striping over them
        axis.setZValue(-200)


def curve_pen(kind: str) -> pg.QtGui.QPen:
    """Pen of the "train" or "test" curve. (Not test_pen(): pytest would collect that name from
    any test module that imports it.) 2 px wide costs ~1 ms per frame at 1M points over 1 px."""
    return pg.mkPen(TRAIN_COLOR if kind == "train" else TEST_COLOR, width=2)


def legend_brush() -> pg.QtGui.QBrush:
    return pg.mkBrush(*LEGEND_FILL)


def legend_pen() -> pg.QtGui.QPen:
    return pg.mkPen(GRID_COLOR)


def crosshair_pen() -> pg.QtGui.QPen:
    return pg.mkPen(CROSSHAIR_COLOR, width=1, style=pg.QtCore.Qt.PenStyle.DashLine)


def marker_pen() -> pg.QtGui.QPen:
    """The moment shown on the loss plot when looking back (the timeline's position)."""
    return pg.mkPen(HIGHLIGHT_COLOR, width=2)


def highlight_pen() -> pg.QtGui.QPen:
    # cosmetic so the outline stays 2 px wide whether the matrix is 3x5 or 512x512
    pen = pg.mkPen(HIGHLIGHT_COLOR, width=2)
    pen.setCosmetic(True)
    return pen


_colormap_cache: pg.ColorMap | None = None


def diverging_colormap() -> pg.ColorMap:
    """CET-D1 (blue-grey-red, perceptually uniform) as shipped with pyqtgraph; a built-in
    three-stop diverging map if the data file is missing from the installation."""
    global _colormap_cache
    if _colormap_cache is None:
        try:
            _colormap_cache = pg.colormap.get(DIVERGING_MAP)
        except OSError:  # data file not installed
            _colormap_cache = None
        if _colormap_cache is None:
            _colormap_cache = pg.ColorMap(
                [0.0, 0.5, 1.0], [(58, 76, 192), (221, 221, 221), (180, 4, 38)], name="fallback-diverging"
            )
    return _colormap_cache
