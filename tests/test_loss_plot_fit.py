"""The loss plot's readouts in a narrow centre column (1024 px screen): the hover readout stays inside the
plot wherever the mouse is, and the line above the plot keeps the losses whole."""
import numpy as np
import pytest
from PySide6 import QtCore

from qt_helpers import shown
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
