"""A unit clicked in the network graph, shown in the Output view: the view comes to the front (it shares its tab
area with the graph), names the unit in full, has a legend and a colour scale for the unit's activation (not the
classes), and a visible way back to the output, at 1280 and at 1024 px."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from qt_helpers import settle
from test_time import isolated_settings, lab  # noqa: F401 (fixtures)
from test_window_views import step_once

from ui.view_throttle import on_screen
from ui.output_view import CLASS_COLORS
from ui.unit_map_images import colors_of, unit_images


def legend_names(legend):
    """The legend's texts as drawn (its labels are HTML: a bare "<" cut "a < 0" to "a")."""
    return [label.item.toPlainText() for _, label in legend.items]


def click_unit(qtbot, graph, column, unit):
    x, y = graph.node_position(column, unit)
    scene = graph.plot.getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(graph.plot.viewport(), Qt.MouseButton.LeftButton, pos=graph.plot.mapFromScene(scene))


def fully_shown(widget, inside):
    """Visible, drawn whole (a wrapped label as tall as its text needs) and inside ``inside``."""
    rect = widget.rect().translated(widget.mapTo(inside, widget.rect().topLeft()))
    tall_enough = not widget.hasHeightForWidth() or widget.height() >= widget.heightForWidth(widget.width())
    return widget.isVisible() and tall_enough and inside.rect().contains(rect)


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)])
def test_a_clicked_unit_comes_to_the_front_named_with_its_scale(qtbot, lab, size):
    parts = lab("xor")
    parts.window.resize(*size)
    parts.views.size_docks()
    views, model = parts.views, parts.model
    views.show_view("graph")
    step_once(qtbot, parts.window, parts.controller)  # one epoch: no race with a run's end
    graph, out = views.graph, views.output
    qtbot.waitUntil(lambda: bool(graph.unit_maps.placed))
    assert not on_screen(out)  # behind the graph's tab
    click_unit(qtbot, graph, 1, 2)
    assert model.unit_shown == (1, 2)
    qtbot.waitUntil(lambda: on_screen(out) and not on_screen(graph))  # the Output view in front
    bar = out.unit_view.bar
    qtbot.waitUntil(lambda: bar.name.text() == "Showing a1[2] (hidden layer 1, tanh) over the plane")
    qtbot.waitUntil(lambda: fully_shown(bar.name, out) and fully_shown(out.back, out))
    assert legend_names(out.legend) == ["a > 0", "a < 0"]  # what the map's colours are
    assert bar.scale.ticks() == ["-1", "0", "1"]  # tanh's range
    # the output unit, a sigmoid: around 0.5
    views.show_view("graph")
    click_unit(qtbot, graph, 2, 0)
    qtbot.waitUntil(lambda: on_screen(out) and bar.name.text().startswith("Showing a2[0] (output, sigmoid)"))
    qtbot.waitUntil(lambda: legend_names(out.legend) == ["a > 0.5", "a < 0.5"])
    assert bar.scale.ticks() == ["0", "0.5", "1"]
    qtbot.mouseClick(out.back, Qt.MouseButton.LeftButton)
    assert model.unit_shown is None and not bar.isVisible()
    assert legend_names(out.legend) == list(model.data.target_names)  # the classes again
    settle(qtbot, parts)


def test_an_input_map_scales_by_its_largest_value_and_softmax_units_take_their_class_colour():
    x = np.linspace(-2.0, 2.0, 16).reshape(1, 16)
    image = unit_images(x, None, 4)[0]
    assert image[0, 0].tolist() == (CLASS_COLORS[0] * 0.7).astype(np.uint8).tolist()  # -2: the full colour
    p = np.ones((2, 16))
    images = unit_images(p, "softmax", 4, units=[3, 5])
    assert images[0, 0, 0].tolist() == (CLASS_COLORS[3] * 0.7).astype(np.uint8).tolist()
    assert images[1, 0, 0].tolist() == (CLASS_COLORS[5] * 0.7).astype(np.uint8).tolist()


@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid"])
def test_the_maps_colour_table_gives_colors_of_colours_within_one_level_and_never_the_other_sign(activation):
    rng = np.random.default_rng(5)
    maps = rng.standard_normal((3, 64)) * 2.0
    maps[0, :6] = [-1.0, -1e-9, 0.0, 1e-9, 1.0, np.nan]
    a = np.nan_to_num(maps.reshape(3, 8, 8))
    scale = np.abs(a).reshape(3, -1).max(axis=1)[:, None, None]
    exact = colors_of(a, activation, scale=scale)
    got = unit_images(maps, activation, 8)
    assert np.abs(got.astype(int) - exact.astype(int)).max() <= 1
    t = 2 * a - 1 if activation == "sigmoid" else a
    # the colour's hue says the sign: the blue channel is class 0's (negative) colour's, and 0 in class 1's
    assert ((got[..., 2] > 0) == (t < 0)).all()
