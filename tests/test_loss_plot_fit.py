"""The loss plot's readouts in a narrow centre column (1024 px screen): the hover readout stays inside the
plot wherever the mouse is, and the line above the plot keeps the losses whole."""
import numpy as np
import pytest
from PySide6 import QtCore

from qt_helpers import layout_passes, shown
from ui.loss_plot import LossPlot


@pytest.mark.parametrize("fraction", [0.02, 0.3, 0.55, 0.7, 0.98])
def test_the_hover_readout_is_never_cut_at_either_edge(qtbot, fraction):
    plot = shown(qtbot, LossPlot(), 300, 260)  # the plot's width in a 1024 px window
    train = np.geomspace(1.0, 1e-3, 300)
    plot.append(1, train, train * 1.5)
    plot.grab()  # the mapping on screen
    vb = plot.plot_item.vb
    (x0, x1), _ = vb.viewRange()
    x = x0 + fraction * (x1 - x0)
    plot._on_mouse_moved((vb.mapViewToScene(QtCore.QPointF(x, np.log10(train[len(train) // 2]))),))
    assert plot.hover_text().startswith("epoch ")
    box = plot._hover.mapRectToScene(plot._hover.boundingRect())
    view = vb.sceneBoundingRect()
    assert view.left() - 1 <= box.left() and box.right() <= view.right() + 1


def test_the_timeline_slider_holds_still_while_its_label_changes(qtbot):
    """The label beside the slider is as wide as the widest it will show in the run: "epoch 842 · live" and
    "epoch 979 +6 · live" made the slider and its handle slide to and fro while training."""
    from ui.timeline import Timeline
    timeline = shown(qtbot, Timeline(), 600, 40)
    widths = set()
    for steps in (8420, 9796, 9800, 10_003):
        timeline.set_run(steps, 10, 1000)
        qtbot.waitUntil(lambda: timeline.label.text().startswith(f"epoch {steps // 10:,}"))
        layout_passes()
        widths.add(timeline.slider.width())
    assert len(widths) == 1
