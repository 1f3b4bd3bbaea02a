"""The heatmaps in the real window at 1024x768 (issue 9, item 15): every column in view, titles whole,
cells big enough to read, W beside dW in one row per layer."""
import pytest
from PySide6 import QtGui

from test_window_views import isolated_settings, open_lab  # noqa: F401 (fixtures)


def right_edge(grid, layer, kind):
    plot = grid.panel_plot(layer, kind)
    return plot.mapRectToScene(plot.boundingRect()).right()


@pytest.mark.parametrize("preset", ["tutorial", "xor", "spiral"])
def test_heatmaps_are_readable_at_1024x768(open_lab, qtbot, preset):
    window, controller, views = open_lab(preset)
    window.resize(1024, 768)  # as app.gui opens it on a 1024x768 screen: that size, then the docks' defaults
    qtbot.waitUntil(lambda: window.size().toTuple() == (1024, 768))
    views.size_docks()
    grid = window.heatmaps
    qtbot.waitUntil(lambda: grid.n_layers() == len(controller.config.layers) - 1)
    small = max(controller.config.layers) <= 16
    assert window.minimumSizeHint().width() <= 1024  # the window itself fits the screen

    def readable():  # raises until the layout has settled (a loaded machine takes a few turns of the loop)
        grid.graphics.grab()
        viewport = grid.scroll.viewport()
        if small:  # no column behind a scrollbar
            assert grid.scroll.horizontalScrollBar().maximum() == 0
        for l in range(1, grid.n_layers() + 1):
            # in view, or (a wide network at its smallest cells) in reach of the scrollbar
            assert right_edge(grid, l, "grad_b") <= (viewport.width() if small else grid.graphics.width())
            rows, cols = grid._panels[(l, "w")].shape
            tops = {round(grid.panel_plot(l, kind).mapRectToScene(grid.panel_plot(l, kind).boundingRect()).top())
                    for kind in ("w", "grad_w", "b", "grad_b")}
            assert len(tops) == 1  # W, dW, b and db of a layer side by side, in one row
            for kind in ("w", "grad_w", "b", "grad_b"):
                plot = grid.panel_plot(l, kind)
                title = plot.titleLabel
                text_px = QtGui.QFontMetricsF(title.font).horizontalAdvance(title.text)
                assert title.size().width() >= text_px, (l, kind, title.text)  # not clipped
                if kind in ("w", "grad_w"):
                    vb = plot.vb.size()
                    assert vb.width() / cols >= (6 if small else grid.CELL_MIN) and vb.height() / rows >= grid.CELL_MIN

    qtbot.waitUntil(readable, timeout=5000)
