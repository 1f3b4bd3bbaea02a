"""What a user reads on the plots' axes: log-axis labels that never pile up (issue 9, item 18)."""
import numpy as np
import pytest
from PySide6 import QtGui

from qt_helpers import shown
from ui.legend import legend_names
from ui.loss_plot import LossPlot


def drawn_labels(axis):
    """[(QRectF, text)] of the tick labels the axis draws now, as its paint draws them."""
    painter = QtGui.QPainter()
    image = QtGui.QImage(10, 10, QtGui.QImage.Format.Format_ARGB32)
    painter.begin(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _, text in specs[2]] if specs else []


def assert_apart(labels):
    rects = [rect for rect, _ in labels]
    for k, a in enumerate(rects):
        for b in rects[k + 1:]:
            assert not a.intersects(b), labels


@pytest.mark.parametrize("height", [200, 300, 600])
def test_log_loss_axis_labels_a_narrow_range_without_minor_ticks_piling_up(qtbot, height):
    """The sine preset's loss stays between 0.05 and 0.12: pyqtgraph labelled 0.06, 0.07, ... 0.1."""
    plot = shown(qtbot, LossPlot(), 600, height)
    plot.append(1, np.geomspace(0.12, 0.05, 300), np.geomspace(0.13, 0.06, 300))
    plot.grab()
    labels = drawn_labels(plot.plot_item.getAxis("left"))
    texts = [text for _, text in labels]
    assert {"0.06", "0.07", "0.08", "0.09"}.isdisjoint(texts)  # minor ticks stay unlabelled
    assert "0.1" in texts and len(texts) >= 2  # still readable: a decade and a 1-2-5 step
    assert_apart(labels)


def test_log_loss_axis_over_many_decades_labels_decades_only(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.append(1, np.geomspace(0.5, 1e-7, 1000), np.empty(0))
    plot.grab()
    labels = drawn_labels(plot.plot_item.getAxis("left"))
    texts = [text for _, text in labels]
    assert len(texts) >= 3
    assert all(t in ("1", "0.1", "0.01", "0.001", "0.0001") or t.startswith("10⁻") for t in texts), texts
    assert_apart(labels)


def test_a_loss_that_barely_moves_still_gets_distinct_labels(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.append(1, np.linspace(0.0518, 0.0512, 100), np.empty(0))
    plot.grab()
    texts = [text for _, text in drawn_labels(plot.plot_item.getAxis("left"))]
    assert len(texts) >= 2 and len(set(texts)) == len(texts), texts


# --- the output view: switching kinds (item 2) ------------------------------------------------------

def bottom_tick_strings(view):
    """The x-axis labels the output plot draws now."""
    view.plot.grab()
    return [text for _, text in drawn_labels(view.plot.getAxis("bottom"))]


def test_output_view_drops_the_bars_labels_when_a_plane_or_curve_comes(qtbot):
    from test_views import trained
    from ui.output_view import OutputView

    view = shown(qtbot, OutputView(), 640, 480)
    view.throttle.min_interval = 0.0
    for name in ("tutorial", "xor", "tutorial", "sine"):
        trainer, snap = trained(name)
        view.set_data(trainer.data)
        view.show_snapshot(snap, trainer.config)
        ticks = bottom_tick_strings(view)
        bottom = view.plot.getAxis("bottom").labelText
        if name == "tutorial":
            assert view.info.text().startswith("y_hat = [")
            assert ticks == ["y1", "y2", "y3", "y4"]
            assert legend_names(view.legend) == ["y_hat", "y"]
        else:
            assert "y_hat" not in view.info.text()
            assert ticks and all(float(t) == float(t) for t in ticks), ticks  # numbers, not y1, y2
            assert bottom == trainer.data.feature_names[0]
            assert legend_names(view.legend) == []


def test_output_bars_legend_sits_above_the_data(qtbot):
    from test_views import trained
    from ui.output_view import OutputView

    view = shown(qtbot, OutputView(), 640, 480)
    view.throttle.min_interval = 0.0
    trainer, snap = trained("tutorial", steps=3000)
    view.set_data(trainer.data)
    view.show_snapshot(snap, trainer.config)
    view.plot.grab()
    legend = view.legend.mapRectToScene(view.legend.boundingRect())
    assert not legend.intersects(view.plot.getViewBox().sceneBoundingRect())
    assert view.plot.sceneRect().contains(legend)


def test_loss_legend_sits_above_the_curves(qtbot):
    plot = shown(qtbot, LossPlot(), 600, 300)
    plot.append(1, np.geomspace(1, 0.01, 200), np.geomspace(1.2, 0.02, 200))
    plot.grab()
    assert legend_names(plot.legend) == ["train", "test"]
    legend = plot.legend.mapRectToScene(plot.legend.boundingRect())
    assert not legend.intersects(plot.plot_item.vb.sceneBoundingRect())
    assert plot.plot_widget.sceneRect().contains(legend)
