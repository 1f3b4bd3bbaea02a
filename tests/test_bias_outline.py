"""A unit clicked in the network graph selects its bias: the heatmaps outline that bias's cell in b and grad b
(they outlined nothing), and a weight selected again takes the outline back to W and dW."""
from PySide6.QtCore import QPointF, QRectF, Qt

from qt_helpers import settle
from test_heatmaps import visible_outlines
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from test_window_views import step_once


def test_a_clicked_unit_outlines_its_bias_in_the_heatmaps(qtbot, lab):
    parts = lab("xor")
    views, model, heatmaps = parts.views, parts.model, parts.window.heatmaps
    views.show_view("graph")
    step_once(qtbot, parts.window, parts.controller)  # one epoch: no race with a run's end
    graph = views.graph
    qtbot.waitUntil(lambda: graph.n_edges_drawn() > 0)
    x, y = graph.node_position(1, 2)
    scene = graph.plot.getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(graph.plot.viewport(), Qt.MouseButton.LeftButton, pos=graph.plot.mapFromScene(scene))
    assert model.selection == ("b", 1, 2)
    cell = QRectF(-0.5, 1.5, 1, 1)  # b1[2]: row 2 of the one-column matrix
    assert visible_outlines(heatmaps, 1, "b") == [cell] and visible_outlines(heatmaps, 1, "grad_b") == [cell]
    assert visible_outlines(heatmaps, 1, "w") == [] and visible_outlines(heatmaps, 1, "grad_w") == []
    views.select_weight(2, 0, 3)
    assert visible_outlines(heatmaps, 1, "b") == [] and visible_outlines(heatmaps, 2, "w") == [QRectF(2.5, -0.5, 1, 1)]
    views.select_bias(2, 0)  # after a rebuild of the heatmaps (reset) the outline comes back
    parts.window.transport.reset.trigger()
    qtbot.waitUntil(lambda: visible_outlines(heatmaps, 2, "grad_b") == [QRectF(-0.5, -0.5, 1, 1)])
    settle(qtbot, parts)
