"""Where the network graph puts its unit maps: never one on another, never cut by the view's edges, each input
and output of a small column with its own map (spiral's x1 and x2 were drawn one on the other), and every
input labelled with its name (with features on, which map is x1^2)."""
import pytest
from PySide6.QtCore import QRectF

from qt_helpers import settle
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from test_window_views import step_once


def map_rects(maps):
    """Each placed unit's map where it is drawn, in the plot's view coordinates."""
    assert maps.layer.isVisible() and maps.layer.boundingRect().contains(
        maps.rects[0] if maps.rects else maps.layer.boundingRect())
    return [(placed, maps.layer.mapRectToView(rect)) for placed, rect in zip(maps.placed, maps.rects)]


def assert_apart_and_inside(graph):
    (x0, x1), (y0, y1) = graph.plot.getViewBox().viewRange()
    view = QRectF(x0, y0, x1 - x0, y1 - y0).adjusted(-1e-9, -1e-9, 1e-9, 1e-9)
    rects = map_rects(graph.unit_maps)
    assert rects
    for n, (unit, r) in enumerate(rects):
        assert r.width() > 0 and view.contains(r), (unit, r, view)
        for other, s in rects[n + 1:]:
            assert not r.intersects(s), (unit, other)


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
@pytest.mark.parametrize("preset", ["spiral", "xor", "circles", "dead_relu"])
def test_maps_never_overlap_nor_leave_the_view(qtbot, lab, preset, size):
    parts = lab(preset)
    parts.window.resize(*size)
    parts.views.size_docks()
    parts.views.show_view("graph")
    step_once(qtbot, parts.window, parts.controller)  # one epoch: no race with a run's end
    graph, layers = parts.views.graph, parts.model.config.layers
    qtbot.waitUntil(lambda: bool(graph.unit_maps.placed))
    assert_apart_and_inside(graph)
    placed = set(graph.unit_maps.placed)
    # the inputs and the outputs, few to a column, each have their map
    for column in (0, len(layers) - 1):
        assert {(column, u) for u in range(layers[column])} <= placed
    settle(qtbot, parts)


def test_inputs_are_labelled_with_their_features(qtbot, lab):
    parts = lab("features")  # circles on x1, x2, x1^2, x2^2 without a hidden layer
    parts.views.show_view("graph")
    step_once(qtbot, parts.window, parts.controller)
    graph = parts.views.graph
    qtbot.waitUntil(lambda: bool(graph.unit_maps.placed))
    labels = [label for label in graph.unit_maps.labels if label.isVisible()]
    assert [label.toPlainText() for label in labels] == ["x1", "x2", "x1^2", "x2^2"]
    for label, u in zip(labels, range(4)):  # each under its own input's map
        x, y = graph.node_position(0, u)
        assert label.pos().x() == x and label.pos().y() < y
    assert_apart_and_inside(graph)
    qtbot.waitUntil(lambda: bool(graph.hover_text(("node", 0, 2))))
    assert graph.hover_text(("node", 0, 2)).startswith("x[2] (x1^2) = ")  # the tooltip names it too
    settle(qtbot, parts)
