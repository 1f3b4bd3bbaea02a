"""The network graph under the mouse: a unit's or an edge's tooltip stays while the mouse rests (Qt's own
tooltip event used to hide it ~0.7 s after it showed), sums bracket their negative numbers, and the enlarged
unit map goes when the mouse leaves the graph or the network changes, and stays inside the view."""
import numpy as np
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from qt_helpers import settle
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from test_window_views import step_once

from ui.unit_sum import unit_sum_text


def graph_at(parts, column, unit):
    graph = parts.views.graph
    x, y = graph.node_position(column, unit)
    scene = graph.plot.getViewBox().mapViewToScene(QPointF(x, y))
    return graph, scene, graph.plot.mapFromScene(scene)


def rest_mouse(qtbot, graph, pos):
    """What Qt does when the mouse stops on the graph: a ToolTip event to the viewport ~0.7 s later."""
    viewport = graph.plot.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos)))
    qtbot.wait(600)  # past Qt's 300 ms hide timer, which the scene's answer to the event started


def test_a_units_tooltip_stays_while_the_mouse_rests(qtbot, lab):
    parts = lab("xor")
    parts.views.show_view("graph")
    step_once(qtbot, parts.window, parts.controller)  # one epoch: no race with a run's end
    graph = parts.views.graph
    qtbot.waitUntil(lambda: graph.n_edges_drawn() > 0 and getattr(graph, "_trace", None) is not None)
    # a focus change hides any tooltip (Qt's rule, not what is tested): first the window's activation, which comes
    # late on a loaded machine, gives the loss plot's scene the focus the window asked for at its start
    qtbot.waitUntil(lambda: parts.window.loss_plot.plot_widget.scene().hasFocus())
    graph, scene, pos = graph_at(parts, 1, 2)
    graph._on_mouse_moved(scene)  # what the scene's sigMouseMoved delivers
    assert QToolTip.isVisible() and QToolTip.text().startswith("z1[2] = sum_j w1[2, j] x[j] + b1[2]")
    rest_mouse(qtbot, graph, pos)
    assert QToolTip.isVisible() and QToolTip.text().startswith("z1[2] = sum_j")
    # an edge's too: the midpoint of w2[0, 1]
    x, y = graph.edge_position(2, 0, 1)
    scene = graph.plot.getViewBox().mapViewToScene(QPointF(x, y))
    graph._on_mouse_moved(scene)
    rest_mouse(qtbot, graph, graph.plot.mapFromScene(scene))
    assert QToolTip.isVisible() and QToolTip.text().startswith("w2[0, 1] = ")
    # and nothing under the mouse: no tooltip
    empty = graph.plot.getViewBox().mapViewToScene(QPointF(0.5, 0.53))
    graph._on_mouse_moved(empty)
    assert graph.tooltip.text == ""
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    settle(qtbot, parts)


def test_negative_numbers_in_a_sum_are_bracketed():
    text = unit_sum_text(1, 3, np.array([5.08, -2.0]), np.array([-0.836, 0.5]), -0.25, -5.5, -0.99, "tanh")
    assert "= 5.08\u00d7(-0.836) + (-2)\u00d70.5 + (-0.25)\n" in text
    assert "\u00d7-" not in text and "+ -" not in text


def big_inside_view(graph):
    big = graph.unit_maps.big
    (x0, x1), (y0, y1) = graph.plot.getViewBox().viewRange()
    r = big.mapRectToView(big.boundingRect())
    eps = 1e-9
    return x0 - eps <= r.left() and r.right() <= x1 + eps and y0 - eps <= r.top() and r.bottom() <= y1 + eps


def test_the_enlarged_map_goes_when_the_mouse_leaves_or_the_network_changes(qtbot, lab):
    parts = lab("xor")
    parts.views.show_view("graph")
    step_once(qtbot, parts.window, parts.controller)
    graph = parts.views.graph
    qtbot.waitUntil(lambda: bool(graph.unit_maps.placed))
    graph, scene, pos = graph_at(parts, 1, 2)
    graph._on_mouse_moved(scene)
    assert graph.unit_maps.big.isVisible()
    # straight out of the dock: no move inside the plot says so, only the viewport's Leave
    QApplication.sendEvent(graph.plot.viewport(), QEvent(QEvent.Type.Leave))
    assert not graph.unit_maps.big.isVisible()
    graph._on_mouse_moved(scene)
    assert graph.unit_maps.big.isVisible()
    parts.controller.load_preset("circles")  # another network: the old unit is gone with it
    step_once(qtbot, parts.window, parts.controller)
    qtbot.waitUntil(lambda: parts.model.frame.unit_maps is not None and bool(graph.unit_maps.placed))
    assert not graph.unit_maps.big.isVisible()
    settle(qtbot, parts)


def test_the_enlarged_map_stays_inside_a_narrow_view(qtbot, lab):
    parts = lab("xor")
    parts.views.show_view("graph")
    parts.window.resize(1024, 768)
    parts.views.size_docks()
    step_once(qtbot, parts.window, parts.controller)
    graph = parts.views.graph
    qtbot.waitUntil(lambda: bool(graph.unit_maps.placed))
    for column, unit in [(0, 0), (0, 1), (1, 0), (1, 7), (2, 0)]:
        graph, scene, _ = graph_at(parts, column, unit)
        graph._on_mouse_moved(scene)
        assert graph.unit_maps.big.isVisible() and big_inside_view(graph), (column, unit)
    settle(qtbot, parts)


def test_the_enlarged_map_goes_above_its_unit_where_the_tooltip_does_not_reach():
    """The unit's tooltip opens below the mouse: a map centred on the unit had its lower half covered."""
    from ui.graph_unit_maps import hover_rect
    view = ((-0.3, 4.3), (-0.75, 0.62))
    pixel = (4.6 / 400, 1.37 / 400)  # a 400 x 400 px view
    middle = hover_rect((2.0, -0.2), view, pixel)
    assert middle.top() > -0.2  # (view y grows upwards: its lowest edge is above the unit)
    top = hover_rect((2.0, 0.55), view, pixel)  # no room above: as high as the view allows, inside it
    assert top.bottom() <= 0.62 + 1e-12 and top.top() >= -0.75
